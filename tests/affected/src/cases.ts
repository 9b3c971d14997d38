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

export const AFFECTED_CASES: AffectedCase[] = [
  {
    name: 'a Rust source file of candle-binding',
    file: 'libs/candle-binding/src/lib.rs',
    edit: comment('\n// changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'a Rust source file of ml-binding',
    file: 'libs/ml-binding/src/lib.rs',
    edit: comment('\n// changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'the Cargo.lock of candle-binding',
    file: 'libs/candle-binding/Cargo.lock',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'the Cargo.lock of ml-binding',
    file: 'libs/ml-binding/Cargo.lock',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'a Go file of the router',
    file: 'apps/semantic-router/internal/router/router.go',
    edit: comment('\n// changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'a Go file of a crate wrapper the router links',
    file: 'libs/ml-binding/go/mlbinding/mlbinding.go',
    edit: comment('\n// changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'the router config',
    file: 'apps/semantic-router/config/config.yaml',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'the dashboard (fixture until apps/dashboard lands)',
    file: 'apps/dashboard/public/index.html',
    edit: comment('\n<!-- changed -->\n'),
    affected: ['dashboard'],
    rebuild: ['dashboard'],
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
    name: 'a file a Dockerfile copies that no project owns',
    file: 'tools/docker/check-elf-arch.sh',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'an image metadata entry in images.json',
    file: 'tools/docker/images.json',
    edit: {
      kind: 'replace',
      from: '"budgetMinutes": 60',
      to: '"budgetMinutes": 61',
    },
    affected: ['dashboard', 'extproc'],
    // images.json is one input of every image's container target, so an
    // edit to one entry changes every image's hash (see the README).
    rebuild: ['dashboard', 'extproc'],
  },
  {
    name: 'a base recipe script',
    file: 'tools/docker/airgap/build-bases.sh',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'the base recipe Dockerfile',
    file: 'tools/docker/airgap/Dockerfile.rootfs',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
  },
  {
    name: 'the Rust build script every crate build runs',
    file: 'tools/scripts/build-rust.sh',
    edit: comment('\n# changed\n'),
    affected: ['extproc'],
    rebuild: ['extproc'],
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
    affected: ['extproc'],
    rebuild: [],
  },
  {
    name: 'a crate README only',
    file: 'libs/candle-binding/README.md',
    edit: comment('\nchanged\n'),
    affected: ['extproc'],
    rebuild: [],
  },
  {
    name: 'a Go test file only',
    file: 'apps/semantic-router/internal/router/router_test.go',
    edit: comment('\n// changed\n'),
    affected: ['extproc'],
    rebuild: [],
  },
  {
    name: 'a Rust test file only',
    file: 'libs/ml-binding/tests/ffi_select.rs',
    edit: comment('\n// changed\n'),
    affected: ['extproc'],
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
    affected: ['dashboard', 'extproc'],
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
