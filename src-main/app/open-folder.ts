import { shell } from 'electron';
import { AppError } from '../shared/app-error.js';

/**
 * Opens a folder in the desktop's file manager. shell.openPath does not reject: it resolves
 * to an error string, empty on success, which becomes an AppError the window can show.
 */
export async function openFolderInFileManager(path: string): Promise<void> {
  const failure = await shell.openPath(path);
  if (failure) throw new AppError('io', failure);
}
