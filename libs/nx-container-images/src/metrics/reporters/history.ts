import { appendHistory, writeLastRun } from '../history';
import type { Reporter } from './reporter';

/**
 * historyReporter appends the run's builds to history.jsonl and keeps the
 * run's tasks in last-run.json, both in the metrics directory.
 */
export function historyReporter(directory: string): Reporter {
  return {
    name: 'history',
    async report(run) {
      appendHistory(directory, run.builds);
      if (run.tasks.length > 0 || run.builds.length > 0) {
        writeLastRun(directory, run);
      }
    },
  };
}
