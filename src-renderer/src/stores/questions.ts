import { answerQuestion, listQuestions, onQuestionsAsked, onQuestionsClosed } from '../ipc/api.js';
import { errorMessage } from '../../../src-main/shared/app-error.js';
import type { Unsubscribe } from '../../../src-main/shared/ipc-contract.js';
import type { JobQuestion } from '../../../src-main/shared/models/question.js';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** Questions jobs wait on; the first is shown as a dialog until answered or closed by main. */
export const useQuestionsStore = defineStore('questions', () => {
  const open = ref<readonly JobQuestion[]>([]);
  const error = ref<string>();
  /** Apart from `error`, which is the answer's and shown in the dialog. */
  const loadError = ref<string>();
  const answering = ref(false);

  const current = computed(() => open.value[0]);
  /** Events seen while a load was under way, replayed on its answer (which may predate them). */
  let duringLoad: (() => void)[] | undefined;

  function add(question: JobQuestion): void {
    if (!open.value.some((q) => q.id === question.id)) open.value = [...open.value, question];
  }

  /** The questions jobs wait on now: for a window that opens late or reconnects. */
  async function load(): Promise<void> {
    const seen: (() => void)[] = [];
    duringLoad = seen;
    try {
      open.value = [...(await listQuestions())];
      for (const replay of seen) replay();
      loadError.value = undefined;
    } catch (e) {
      loadError.value = errorMessage(e);
    } finally {
      if (duringLoad === seen) duringLoad = undefined;
    }
  }

  function follow(): Unsubscribe {
    const stopAsked = onQuestionsAsked((question) => {
      duringLoad?.push(() => add(question));
      add(question);
    });
    // Answered in another window, or its job was canceled.
    const stopClosed = onQuestionsClosed(({ id }) => {
      duringLoad?.push(() => drop(id));
      drop(id);
    });
    return () => {
      stopAsked();
      stopClosed();
    };
  }

  function drop(id: string): void {
    open.value = open.value.filter((q) => q.id !== id);
  }

  async function answer(id: string, yes: boolean): Promise<void> {
    answering.value = true;
    try {
      await answerQuestion(id, yes);
      error.value = undefined;
      drop(id);
    } catch (e) {
      error.value = errorMessage(e);
      // Already answered elsewhere or its job is gone: nothing waits on it any more.
      if ((e as { code?: string }).code === 'not-found') drop(id);
    } finally {
      answering.value = false;
    }
  }

  return { open, current, error, loadError, answering, load, follow, answer };
});
