export type ThreadDumpView = 'threads' | 'groups';

export interface ThreadDumpOptions {
  /** What a one-dump frame opens on: the threads table or identical-stack groups. */
  view: ThreadDumpView;
  /** Show the "Request thread dump" button (asks the instance's agent for a dump now). */
  showRequestButton: boolean;
}

export const DEFAULT_OPTIONS: ThreadDumpOptions = { view: 'threads', showRequestButton: true };
