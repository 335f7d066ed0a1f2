/**
 * Questions running jobs ask the operator (a plugin's confirm, an unknown SSH host key). A
 * question waits until some window answers it; canceling its job declines it, so a plugin
 * never waits on a dialog nobody will see again.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../shared/app-error.js';
import type { JobQuestion, JobQuestionClosed, QuestionHostKey } from '../shared/models/question.js';

export interface QuestionBroker {
  /** Asks and waits; resolves false when `signal` fires first. `about` is what the question is besides its text. */
  ask(jobId: string, question: string, about: QuestionAbout, signal: AbortSignal): Promise<boolean>;
  /** Throws AppError('not-found') when no such question waits (answered already, or canceled). */
  answer(id: string, yes: boolean): void;
  /** Questions still waiting, for a window that opens late. */
  pending(): JobQuestion[];
  /** Declines every waiting question (the service is closing). */
  declineAll(): void;
}

/** A trust decision (never answered by default), and on a host-key question the key as data. */
export interface QuestionAbout {
  readonly trust?: boolean;
  readonly hostKey?: QuestionHostKey;
}

export interface QuestionBrokerEvents {
  onAsked(question: JobQuestion): void;
  onClosed(closed: JobQuestionClosed): void;
}

interface Waiting {
  readonly question: JobQuestion;
  settle(answer: boolean): void;
}

export function createQuestionBroker(events: QuestionBrokerEvents): QuestionBroker {
  const waiting = new Map<string, Waiting>();

  const close = (id: string, answer: boolean): void => {
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    w.settle(answer);
    events.onClosed({ id, jobId: w.question.jobId, answer });
  };

  return {
    ask(jobId, question, about, signal) {
      if (signal.aborted) return Promise.resolve(false);
      const id = randomUUID();
      const asked: JobQuestion = { id, jobId, question, trust: about.trust === true, ...(about.hostKey ? { hostKey: about.hostKey } : {}) };
      return new Promise<boolean>((resolve) => {
        const onAbort = (): void => close(id, false);
        waiting.set(id, {
          question: asked,
          settle: (answer) => {
            signal.removeEventListener('abort', onAbort);
            resolve(answer);
          },
        });
        signal.addEventListener('abort', onAbort, { once: true });
        events.onAsked(asked);
      });
    },
    answer(id, yes) {
      if (!waiting.has(id)) {
        throw new AppError('not-found', 'That question is no longer waiting: it was answered in another window, or its job was canceled.');
      }
      close(id, yes);
    },
    pending: () => [...waiting.values()].map((w) => w.question),
    declineAll() {
      for (const id of [...waiting.keys()]) close(id, false);
    },
  };
}
