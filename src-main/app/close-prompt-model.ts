import type { JobSnapshot } from '../shared/models/job.js';

/** What the operator picked when closing the window while jobs run. */
export type CloseChoice = 'background' | 'cancel-and-quit' | 'stay';

/** The question shown (dialog.showMessageBox) before the window closes on running jobs. */
export interface ClosePrompt {
  readonly title: string;
  readonly message: string;
  readonly detail: string;
  /** In the order the buttons are shown; the dialog answers an index into this list. */
  readonly choices: readonly { readonly label: string; readonly choice: CloseChoice }[];
  /** Enter picks this index. */
  readonly defaultId: number;
  /** Escape or closing the dialog picks this index: it is always "Don't close". */
  readonly cancelId: number;
}

export interface CloseSituation {
  /** Queued, running and canceling jobs. */
  readonly activeJobs: readonly JobSnapshot[];
  /** Whether a tray icon exists to bring the window back from. */
  readonly trayAvailable: boolean;
  /** The app is quitting (tray Quit, Ctrl-Q, logout): jobs are being canceled already. */
  readonly quitting: boolean;
}

/**
 * The question to ask before the window closes, or undefined to let it close as usual: no job
 * runs, or the app is quitting (quitting cancels the jobs cleanly by itself). "Keep running in
 * the background" is only offered when a tray icon can bring the window back.
 */
export function closePrompt({ activeJobs, trayAvailable, quitting }: CloseSituation): ClosePrompt | undefined {
  if (quitting || activeJobs.length === 0) return undefined;
  const choices: { label: string; choice: CloseChoice }[] = [];
  if (trayAvailable) choices.push({ label: 'Keep running in the background', choice: 'background' });
  choices.push({ label: 'Cancel jobs and quit', choice: 'cancel-and-quit' });
  choices.push({ label: "Don't close", choice: 'stay' });

  const count = activeJobs.length;
  const listed = activeJobs
    .slice(0, 5)
    .map((j) => `• ${j.title}`)
    .join('\n');
  const more = count > 5 ? `\n…and ${count - 5} more` : '';
  const cancelNote =
    'Canceling is clean: each plugin starts again whatever it stopped (a database, a service) before Lifeboat quits.';
  // Some Linux desktops accept a tray icon and never show it: starting Lifeboat again always works.
  const backgroundNote = trayAvailable
    ? ' In the background, the tray icon shows the jobs; click it, or start Lifeboat again, to bring the window back.'
    : '';
  const stay = choices.findIndex((c) => c.choice === 'stay');
  return {
    title: 'Lifeboat',
    message: count === 1 ? 'A job is still running.' : `${count} jobs are still running.`,
    detail: `${listed}${more}\n\n${cancelNote}${backgroundNote}`,
    choices,
    defaultId: stay,
    cancelId: stay,
  };
}

/** The choice behind the dialog's answer; anything unexpected keeps the window open. */
export function closeChoiceOf(prompt: ClosePrompt, response: number): CloseChoice {
  return prompt.choices[response]?.choice ?? 'stay';
}
