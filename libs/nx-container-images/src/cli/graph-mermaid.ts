import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync, type ProjectGraph } from '@nx/devkit';

/** README is where the picture lives, between the two markers. */
export const README = 'tools/docker/README.md';
export const START_MARKER = '<!-- affected-graph:start (graph-mermaid.ts) -->';
export const END_MARKER = '<!-- affected-graph:end -->';

const USAGE = `graph-mermaid: draw what can change each image, from the Nx graph.

Usage: npx tsx libs/nx-container-images/src/cli/graph-mermaid.ts [--write|--check]
  (none)   print the mermaid block
  --write  replace the block in ${README}
  --check  exit 1 when the block in ${README} is stale`;

/**
 * renderImageGraph draws every image, the projects it depends on
 * transitively (solid edges) and the files outside any project its
 * container target reads (dotted edges), sorted so the text is stable.
 */
export function renderImageGraph(graph: ProjectGraph): string {
  const images = Object.values(graph.nodes)
    .filter((node) => node.data.tags?.includes('type:image'))
    .map((node) => node.name)
    .sort();
  const projects = new Set<string>();
  const edges = new Set<string>();
  const files = new Set<string>();
  const visit = (from: string) => {
    for (const { target } of graph.dependencies[from] ?? []) {
      if (!graph.nodes[target]) continue;
      edges.add(`  ${id(from)} --> ${id(target)}`);
      if (!projects.has(target)) {
        projects.add(target);
        visit(target);
      }
    }
  };
  for (const image of images) {
    visit(image);
    for (const input of graph.nodes[image].data.targets?.container?.inputs ??
      []) {
      if (typeof input === 'string' && input.startsWith('{workspaceRoot}/')) {
        const file = input.slice('{workspaceRoot}/'.length);
        if (!ownedByProject(graph, file)) {
          files.add(file);
          edges.add(`  ${id(image)} -.-> ${id(`file:${file}`)}`);
        }
      }
    }
  }

  const lines = ['```mermaid', 'flowchart LR'];
  images.forEach((image) => lines.push(`  ${id(image)}[["${image} (image)"]]`));
  [...projects]
    .filter((project) => !images.includes(project))
    .sort()
    .forEach((project) => lines.push(`  ${id(project)}("${project}")`));
  [...files]
    .sort()
    .forEach((file) => lines.push(`  ${id(`file:${file}`)}["${file}"]`));
  lines.push(...[...edges].sort(), '```');
  return lines.join('\n');
}

function ownedByProject(graph: ProjectGraph, file: string): boolean {
  return Object.values(graph.nodes).some(
    (node) =>
      !node.data.tags?.includes('type:image') &&
      node.data.root !== '.' &&
      file.startsWith(`${node.data.root}/`),
  );
}

function id(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '_');
}

/** replaceBlock puts the block between the markers of a README's text. */
export function replaceBlock(readme: string, block: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(
      `${README}: no ${START_MARKER} ... ${END_MARKER} pair (add both ` +
        'markers where the graph belongs)',
    );
  }
  return (
    readme.slice(0, start + START_MARKER.length) +
    `\n\n${block}\n\n` +
    readme.slice(end)
  );
}

async function main(): Promise<number> {
  const mode = process.argv[2];
  if (mode === '-h' || mode === '--help') {
    console.log(USAGE);
    return 0;
  }
  const graph = await createProjectGraphAsync({ exitOnError: false });
  const block = renderImageGraph(graph);
  if (!mode) {
    console.log(block);
    return 0;
  }

  const path = join(process.cwd(), README);
  const readme = readFileSync(path, 'utf8');
  const updated = replaceBlock(readme, block);
  if (mode === '--write') {
    writeFileSync(path, updated);
    console.error(`graph-mermaid: wrote the graph into ${README}`);
    return 0;
  }
  if (mode === '--check') {
    if (updated === readme) return 0;
    console.error(
      `graph-mermaid: the graph in ${README} is stale (run npx tsx ` +
        'libs/nx-container-images/src/cli/graph-mermaid.ts --write)',
    );
    return 1;
  }
  console.error(`graph-mermaid: unknown option "${mode}"\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`graph-mermaid: ${error.message}`);
      process.exit(2);
    },
  );
}
