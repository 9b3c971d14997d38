/**
 * AffectedCase is one commit on top of the workspace and what it must
 * select: `affected` is Nx's project-granular answer (`nx show projects
 * --affected -t container`), `rebuild` the images whose container task hash
 * changed, which build-affected builds; the rest it reuses by receipt.
 * Add a row here when an image, a Dockerfile or a project lands.
 */
export interface AffectedCase {
  name: string;
  file: string;
  edit: Edit;
  affected: string[];
  rebuild: string[];
}

/** Edit changes one file in a way that keeps it valid for its parser. */
export type Edit =
  | { kind: 'append'; text: string }
  | { kind: 'replace'; from: string; to: string };

const comment = (text: string): Edit => ({ kind: 'append', text });

// The images that copy the router and both crates' libraries.
const ROUTER_IMAGES = ['extproc', 'stack', 'vllm-sr'];
// The images that also copy the supervisor and the dashboard.
const SUPERVISED_IMAGES = ['stack', 'vllm-sr'];
// Every image: images.json and the air-gapped base recipe are inputs of
// each (each names a local base in its airgapBuildArgs).
const ALL_IMAGES = [
  'dev',
  'extproc',
  'nx-cache-server',
  'precommit',
  'stack',
  'vllm-sr',
];

export const AFFECTED_CASES: AffectedCase[] = [
  {
    name: 'a Rust source file of candle-binding',
    file: 'libs/candle-binding/src/lib.rs',
    edit: comment('\n// changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'a Rust source file of ml-binding',
    file: 'libs/ml-binding/src/lib.rs',
    edit: comment('\n// changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'the Cargo.lock of candle-binding',
    file: 'libs/candle-binding/Cargo.lock',
    edit: comment('\n# changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'the Cargo.lock of ml-binding',
    file: 'libs/ml-binding/Cargo.lock',
    edit: comment('\n# changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'a Go file of the router',
    file: 'apps/semantic-router/internal/router/router.go',
    edit: comment('\n// changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'a Go file of a crate wrapper the router links',
    file: 'libs/ml-binding/go/mlbinding/mlbinding.go',
    edit: comment('\n// changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'the router config',
    file: 'apps/semantic-router/config/config.yaml',
    edit: comment('\n# changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'a Go file of the supervisor',
    file: 'apps/supervisor/supervisor.go',
    edit: comment('\n// changed\n'),
    affected: SUPERVISED_IMAGES,
    rebuild: SUPERVISED_IMAGES,
  },
  {
    name: 'a source file of the dashboard page',
    file: 'apps/dashboard/src/web/render.ts',
    edit: comment('\n// changed\n'),
    affected: SUPERVISED_IMAGES,
    rebuild: SUPERVISED_IMAGES,
  },
  {
    name: 'a source file of the cache server',
    file: 'apps/cache-server/src/handler.ts',
    edit: comment('\n// changed\n'),
    affected: ['nx-cache-server'],
    rebuild: ['nx-cache-server'],
  },
  {
    name: 'the stack supervisor config',
    file: 'tools/docker/supervised/stack.supervisor.json',
    edit: {
      kind: 'replace',
      from: '"stop_grace_seconds": 8',
      to: '"stop_grace_seconds": 9',
    },
    affected: ['stack'],
    rebuild: ['stack'],
  },
  {
    name: 'Dockerfile.extproc',
    file: 'tools/docker/Dockerfile.extproc',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'Dockerfile.extproc.cross',
    file: 'tools/docker/Dockerfile.extproc.cross',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'Dockerfile.stack',
    file: 'tools/docker/Dockerfile.stack',
    edit: comment('\n# changed\n'),
    affected: ['stack'],
    rebuild: ['stack'],
  },
  {
    name: 'the dev image Dockerfile',
    file: 'tools/docker/Dockerfile',
    edit: comment('\n# changed\n'),
    affected: ['dev'],
    rebuild: ['dev'],
  },
  {
    name: 'Dockerfile.precommit',
    file: 'tools/docker/Dockerfile.precommit',
    edit: comment('\n# changed\n'),
    affected: ['precommit'],
    rebuild: ['precommit'],
  },
  {
    name: 'a file a Dockerfile copies that no project owns',
    file: 'tools/docker/check-elf-arch.sh',
    edit: comment('\n# changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'an image metadata entry in images.json',
    file: 'tools/docker/images.json',
    edit: {
      kind: 'replace',
      from: '"budgetMinutes": 60',
      to: '"budgetMinutes": 61',
    },
    affected: ALL_IMAGES,
    // images.json is one input of every image's container target, so an
    // edit to one entry changes every image's hash (see the README).
    rebuild: ALL_IMAGES,
  },
  {
    name: 'a base recipe script',
    file: 'tools/docker/airgap/build-bases.sh',
    edit: comment('\n# changed\n'),
    affected: ALL_IMAGES,
    rebuild: ALL_IMAGES,
  },
  {
    name: 'the base recipe Dockerfile',
    file: 'tools/docker/airgap/Dockerfile.rootfs',
    edit: comment('\n# changed\n'),
    affected: ALL_IMAGES,
    rebuild: ALL_IMAGES,
  },
  {
    name: 'the Rust build script every crate build runs',
    file: 'tools/scripts/build-rust.sh',
    edit: comment('\n# changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: ROUTER_IMAGES,
  },
  {
    name: 'the workflow file',
    file: '.github/workflows/docker-publish.yml',
    edit: comment('\n# changed\n'),
    affected: [],
    rebuild: [],
  },
  {
    name: 'a README only',
    file: 'apps/semantic-router/README.md',
    edit: comment('\nchanged\n'),
    affected: ROUTER_IMAGES,
    rebuild: [],
  },
  {
    name: 'a crate README only',
    file: 'libs/candle-binding/README.md',
    edit: comment('\nchanged\n'),
    affected: ROUTER_IMAGES,
    rebuild: [],
  },
  {
    name: 'tools/docker/README.md only',
    file: 'tools/docker/README.md',
    edit: comment('\nchanged\n'),
    affected: [],
    rebuild: [],
  },
  {
    name: 'a Go test file only',
    file: 'apps/semantic-router/internal/router/router_test.go',
    edit: comment('\n// changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: [],
  },
  {
    name: 'a Rust test file only',
    file: 'libs/ml-binding/tests/ffi_select.rs',
    edit: comment('\n// changed\n'),
    affected: ROUTER_IMAGES,
    rebuild: [],
  },
  {
    name: 'a dashboard spec only',
    file: 'apps/dashboard/src/web/render.spec.ts',
    edit: comment('\n// changed\n'),
    affected: SUPERVISED_IMAGES,
    rebuild: [],
  },
  {
    name: 'the root package.json (description only)',
    file: 'package.json',
    edit: {
      kind: 'replace',
      from: '"description": "',
      to: '"description": "Changed. ',
    },
    affected: [],
    rebuild: [],
  },
  {
    name: 'the root lockfile',
    file: 'package-lock.json',
    edit: {
      kind: 'replace',
      from: '"name": "semantic-router-monorepo"',
      to: '"name": "semantic-router-monorepo-changed"',
    },
    affected: ALL_IMAGES,
    rebuild: [],
  },
  {
    name: 'a file no image copies',
    file: 'tools/scripts/engine.sh',
    edit: comment('\n# changed\n'),
    affected: [],
    rebuild: [],
  },
];
