import { AppError } from '../shared/app-error.js';

/**
 * Checks what a renderer sent and returns it typed, or throws AppError('usage'). The
 * renderer is ours, but its input still crosses a process boundary: never trust its shape.
 */
export type RequestParser<T> = (input: unknown) => T;

/** For channels that take no argument. */
export const noRequest: RequestParser<void> = (input) => {
  if (input !== undefined) {
    throw new AppError('usage', 'This call takes no argument; the request was rejected.');
  }
};
