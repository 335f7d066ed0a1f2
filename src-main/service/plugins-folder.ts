import { mkdir } from 'node:fs/promises';
import { AppError, errorMessage } from '../shared/app-error.js';

/** Opens a folder in the desktop's file manager; throws when it cannot (the message is shown). */
export type FolderOpener = (path: string) => Promise<void>;

/**
 * Makes the drop-in plugins folder if needed and opens it. Without an opener (`lifeboat serve`,
 * whose window may be on another machine) the operator is told which folder to open by hand.
 */
export async function openPluginsFolder(dir: string, openFolder: FolderOpener | undefined): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new AppError('io', `Cannot make the plugins folder ${dir}: ${errorMessage(e)}.`, { cause: e });
  }
  if (!openFolder) {
    throw new AppError(
      'usage',
      `Lifeboat cannot open folders from this window (it is served by lifeboat serve). Open ${dir} on the machine running Lifeboat and put each drop-in plugin in a folder of its own there, then restart Lifeboat.`,
    );
  }
  try {
    await openFolder(dir);
  } catch (e) {
    throw new AppError('io', `Could not open ${dir} in the file manager (${errorMessage(e)}); open it by hand.`, { cause: e });
  }
}
