import type { JobSnapshot, JobStarted } from '../shared/models/job.js';
import type { JobQuestion } from '../shared/models/question.js';
import type { InvokeHandlersFor } from './invoke-dispatcher.js';
import { bool, noRequest, objectRequest, optBool, str } from './request-parsers.js';

/** What the job and question handlers need (the app service's jobs part). */
export interface JobsApi {
  list(): readonly JobSnapshot[];
  backup(target: string): Promise<JobStarted>;
  restore(request: { archivePath: string; target: string; confirmTargetName: string }): Promise<JobStarted>;
  verify(request: { archivePath: string; deep?: boolean }): Promise<JobStarted>;
  importArchive(path: string): Promise<JobStarted>;
  cancel(jobId: string): void;
  log(jobId: string): readonly string[];
  answer(id: string, yes: boolean): void;
  pendingQuestions(): readonly JobQuestion[];
}

type JobChannels = 'jobs:list' | 'jobs:backup' | 'jobs:restore' | 'jobs:verify' | 'jobs:import' | 'jobs:cancel' | 'jobs:log' | 'questions:answer' | 'questions:list';

export function createJobsHandlers(api: JobsApi): InvokeHandlersFor<JobChannels> {
  return {
    'jobs:list': { parse: noRequest, run: async () => api.list() },
    'jobs:backup': { parse: objectRequest('jobs:backup', { target: str }), run: (r) => api.backup(r.target) },
    'jobs:restore': {
      parse: objectRequest('jobs:restore', { archivePath: str, target: str, confirmTargetName: { kind: 'text' } }),
      run: (r) => api.restore(r),
    },
    'jobs:verify': { parse: objectRequest('jobs:verify', { archivePath: str, deep: optBool }), run: (r) => api.verify(r) },
    'jobs:import': { parse: objectRequest('jobs:import', { path: str }), run: (r) => api.importArchive(r.path) },
    'jobs:cancel': { parse: objectRequest('jobs:cancel', { jobId: str }), run: async (r) => api.cancel(r.jobId) },
    'jobs:log': { parse: objectRequest('jobs:log', { jobId: str }), run: async (r) => api.log(r.jobId) },
    'questions:answer': { parse: objectRequest('questions:answer', { id: str, yes: bool }), run: async (r) => api.answer(r.id, r.yes) },
    'questions:list': { parse: noRequest, run: async () => api.pendingQuestions() },
  };
}
