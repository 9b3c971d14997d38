import { buildLabel, buildTimeLine, markdownReport } from '../format';
import { succeeded, type Finding, type RunRecord } from '../record';
import { processOutput, type ReportOutput, type Reporter } from './reporter';

type ActionsCore = typeof import('@actions/core');

const FINDING_TITLES: Record<Finding['kind'], string> = {
  failed: 'build failed',
  'over-budget': 'over budget',
  'slower-than-history': 'slower than its history',
};

/**
 * githubReporter writes the run's table to the job's step summary
 * (GITHUB_STEP_SUMMARY) and annotates it through @actions/core: one notice
 * per image build, an error with the elapsed time for each failure, a
 * warning for each build over budget or slower than its history. With an
 * output, the workflow commands @actions/core prints go there instead of
 * this process's stdout.
 */
export function githubReporter(output?: ReportOutput): Reporter {
  return {
    name: 'github',
    async report(run, findings) {
      if (run.builds.length === 0) return;
      const core = await loadActionsCore();

      forwardStdout(output, () => annotate(core, run, findings));
      // Nx writes its own run report to the same file, ending without a
      // blank line; one on each side keeps the two apart in Markdown.
      if (process.env.GITHUB_STEP_SUMMARY) {
        const markdown = markdownReport(run.builds, findings);
        await core.summary.addEOL().addRaw(markdown).addEOL().write();
      }
    },
  };
}

function annotate(core: ActionsCore, run: RunRecord, findings: Finding[]) {
  for (const build of run.builds) {
    if (succeeded(build.status)) {
      core.notice(buildTimeLine(build), { title: buildLabel(build) });
    }
  }
  for (const finding of findings) {
    const title = `${buildLabel(finding.build)}: ${FINDING_TITLES[finding.kind]}`;
    if (finding.kind === 'failed') {
      core.error(finding.message, { title });
    } else {
      core.warning(finding.message, { title });
    }
  }
}

// @actions/core prints workflow commands with process.stdout.write, and
// synchronously, so swapping the writer for the call sends them elsewhere.
function forwardStdout(output: ReportOutput | undefined, action: () => void) {
  if (!output || output === processOutput) return action();
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    output.stdout(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    action();
  } finally {
    process.stdout.write = write;
  }
}

/**
 * loadActionsCore imports @actions/core, which is an ES module with only an
 * "import" export. tsx and vitest keep import() as it is; Nx loads this
 * plugin through @swc-node/register, which compiles import() to require()
 * and fails with ERR_PACKAGE_PATH_NOT_EXPORTED. An import() built at run
 * time is out of the compiler's reach; vitest cannot run that form, so it
 * is the fallback.
 */
export async function loadActionsCore(): Promise<ActionsCore> {
  try {
    return await import('@actions/core');
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED'
    ) {
      throw error;
    }
    const runtimeImport = new Function('specifier', 'return import(specifier)');
    return (await runtimeImport('@actions/core')) as ActionsCore;
  }
}
