import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** WORKSPACE_ROOT is the monorepo these tests check. */
export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** ThrowawayWorkspace is a git repository made from the workspace's files. */
export interface ThrowawayWorkspace {
  root: string;
  base: string;
  git(...args: string[]): string;
  remove(): void;
}

// Untracked files are copied only from these paths (the affected work's
// own, not yet committed); others' untracked work in progress stays out.
const UNTRACKED_PATHS = [
  '.github',
  'tools/ci',
  'tests/affected',
  'libs/nx-container-images/src',
  'tools/docker',
];

/**
 * createThrowawayWorkspace copies the workspace's tracked files as they are
 * in the working tree, plus the untracked files of UNTRACKED_PATHS, into a
 * new repository with one commit on main, and links node_modules. Nothing
 * in the real workspace changes.
 */
export function createThrowawayWorkspace(
  prepare?: (root: string) => void,
): ThrowawayWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'affected-'));
  const list = (...args: string[]) =>
    execFileSync('git', ['ls-files', '-z', ...args], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
  const files = [
    ...list('--cached'),
    ...list('--others', '--exclude-standard', '--', ...UNTRACKED_PATHS),
  ];
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    try {
      copyFileSync(join(WORKSPACE_ROOT, file), join(root, file));
    } catch (error) {
      // A file deleted but not yet staged is listed by --cached.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'));
  prepare?.(root);

  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'affected@test.invalid');
  git('config', 'user.name', 'affected test');
  git('config', 'commit.gpgSign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'workspace snapshot');
  return {
    root,
    base: git('rev-parse', 'HEAD'),
    git,
    remove: () => {
      rmSync(root, { recursive: true, force: true });
      rmSync(`${root}-reports`, { recursive: true, force: true });
    },
  };
}

/** BuildAffectedReport is the part of build-affected's --report used here. */
export interface BuildAffectedReport {
  candidates: string[];
  results: Array<{
    image: string;
    configuration: string;
    repository: string;
    hash?: string;
    action: string;
    error?: string;
  }>;
}

/** runBuildAffected runs the CLI the workflow runs, in a workspace. */
export function runBuildAffected(
  root: string,
  args: string[],
): BuildAffectedReport {
  // Outside the repository, so no commit of a case picks it up.
  const report = join(`${root}-reports`, `report-${Date.now()}.json`);
  mkdirSync(dirname(report), { recursive: true });
  const cli = join(root, 'libs/nx-container-images/src/cli/build-affected.ts');
  execFileSync('npx', ['tsx', cli, ...args, '--report', report], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return JSON.parse(readFileSync(report, 'utf8')) as BuildAffectedReport;
}
