// Closing the window while jobs run asks what to do; quitting, or closing with nothing
// running, asks nothing.
import { describe, expect, it } from 'vitest';
import { closeChoiceOf, closePrompt } from '../../../src-main/app/close-prompt-model.js';
import { job } from './job-fixtures.js';

describe('closePrompt', () => {
  it('lets the window close without a question when no job runs', () => {
    expect(closePrompt({ activeJobs: [], trayAvailable: true, quitting: false })).toBeUndefined();
  });

  it('asks nothing while quitting: quitting cancels the jobs cleanly by itself', () => {
    expect(closePrompt({ activeJobs: [job('a')], trayAvailable: true, quitting: true })).toBeUndefined();
  });

  it('offers the background, cancel-and-quit and staying, with staying for Enter and Escape', () => {
    const prompt = closePrompt({ activeJobs: [job('a'), job('b', { title: 'Back up btcpay', state: 'queued' })], trayAvailable: true, quitting: false });
    expect(prompt?.choices.map((c) => c.label)).toEqual(['Keep running in the background', 'Cancel jobs and quit', "Don't close"]);
    expect(prompt?.message).toBe('2 jobs are still running.');
    expect(prompt?.detail).toContain('• Back up laptop\n• Back up btcpay');
    expect(prompt?.detail).toContain('each plugin starts again whatever it stopped');
    expect(prompt?.detail).toContain('start Lifeboat again, to bring the window back');
    expect(prompt && closeChoiceOf(prompt, prompt.defaultId)).toBe('stay');
    expect(prompt && closeChoiceOf(prompt, prompt.cancelId)).toBe('stay');
    expect(prompt && [0, 1, 2].map((i) => closeChoiceOf(prompt, i))).toEqual(['background', 'cancel-and-quit', 'stay']);
  });

  it('does not offer the background where there is no tray to come back from', () => {
    const prompt = closePrompt({ activeJobs: [job('a')], trayAvailable: false, quitting: false });
    expect(prompt?.choices.map((c) => c.choice)).toEqual(['cancel-and-quit', 'stay']);
    expect(prompt?.message).toBe('A job is still running.');
    expect(prompt?.detail).not.toContain('tray');
    expect(prompt && closeChoiceOf(prompt, 0)).toBe('cancel-and-quit');
    expect(prompt && closeChoiceOf(prompt, prompt.cancelId)).toBe('stay');
  });

  it('keeps the window for an answer it does not know', () => {
    const prompt = closePrompt({ activeJobs: [job('a')], trayAvailable: true, quitting: false });
    expect(prompt && closeChoiceOf(prompt, 7)).toBe('stay');
    expect(prompt && closeChoiceOf(prompt, -1)).toBe('stay');
  });

  it('lists a handful of jobs and counts the rest', () => {
    const jobs = Array.from({ length: 7 }, (_, i) => job(`j${i}`, { title: `Back up t${i}` }));
    const prompt = closePrompt({ activeJobs: jobs, trayAvailable: true, quitting: false });
    expect(prompt?.detail).toContain('• Back up t4\n…and 2 more');
    expect(prompt?.detail).not.toContain('Back up t5');
  });
});
