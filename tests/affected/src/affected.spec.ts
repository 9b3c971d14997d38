import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFFECTED_CASES, type Edit } from './cases';
import {
  createThrowawayWorkspace,
  runBuildAffected,
  type ThrowawayWorkspace,
} from './throwaway-workspace';

// The configuration CI publishes first; every image has it.
const CONFIGURATION = 'ci-linux-amd64';

describe('build-affected selects exactly the images a change can alter', () => {
  let workspace: ThrowawayWorkspace;
  let receipts: string;

  beforeAll(() => {
    workspace = createThrowawayWorkspace();
    const images = Object.keys(
      JSON.parse(
        readFileSync(join(workspace.root, 'tools/docker/images.json'), 'utf8'),
      ).images,
    );
    // The base's receipts, as if every image had been published from it.
    const base = runBuildAffected(workspace.root, [
      ...['--images', images.join(','), '--configuration', CONFIGURATION],
      ...['--receipts', 'none', '--dry-run'],
    ]);
    const byRepository: Record<string, string[]> = {};
    for (const result of base.results) {
      expect(result.hash, result.error).toBeDefined();
      byRepository[result.repository] = [result.hash!];
    }
    receipts = join(`${workspace.root}-reports`, 'base-receipts.json');
    writeFileSync(receipts, JSON.stringify(byRepository));
  });

  afterAll(() => workspace?.remove());

  it.each(AFFECTED_CASES)('$name', ({ file, edit, affected, rebuild }) => {
    workspace.git('checkout', '-q', '-B', 'change', workspace.base);
    applyEdit(join(workspace.root, file), edit);
    workspace.git('add', '-A');
    workspace.git('commit', '-q', '-m', `change ${file}`);

    const report = runBuildAffected(workspace.root, [
      ...['--base', workspace.base, '--head', 'HEAD'],
      ...['--configuration', CONFIGURATION, '--receipts', `file:${receipts}`],
      '--dry-run',
    ]);

    const failed = report.results.filter((result) => result.error);
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(report.candidates, 'nx show projects --affected').toEqual(affected);
    const built = report.results
      .filter((result) => result.action === 'would-build')
      .map((result) => result.image)
      .sort();
    expect(built, 'images whose container hash changed').toEqual(rebuild);
  });
});

function applyEdit(path: string, edit: Edit): void {
  mkdirSync(dirname(path), { recursive: true });
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (edit.kind === 'append') {
    writeFileSync(path, text + edit.text);
    return;
  }
  if (!text.includes(edit.from)) {
    throw new Error(`${path} does not contain ${JSON.stringify(edit.from)}`);
  }
  writeFileSync(path, text.replace(edit.from, edit.to));
}
