import { describe, expect, it } from 'vitest';
import { createQuestionBroker } from '../../../src-main/service/question-broker.js';
import type { JobQuestion, JobQuestionClosed } from '../../../src-main/shared/models/question.js';

function broker() {
  const asked: JobQuestion[] = [];
  const closed: JobQuestionClosed[] = [];
  return { asked, closed, b: createQuestionBroker({ onAsked: (q) => asked.push(q), onClosed: (c) => closed.push(c) }) };
}

describe('question broker', () => {
  it('waits for an answer and tells every window the question is closed', async () => {
    const { asked, closed, b } = broker();
    const answer = b.ask('job-1', 'Stop the service?', {}, new AbortController().signal);
    expect(asked).toEqual([expect.objectContaining({ jobId: 'job-1', question: 'Stop the service?', trust: false })]);
    expect(b.pending()).toHaveLength(1);
    b.answer(asked[0]!.id, true);
    await expect(answer).resolves.toBe(true);
    expect(closed).toEqual([{ id: asked[0]!.id, jobId: 'job-1', answer: true }]);
    expect(() => b.answer(asked[0]!.id, false)).toThrow(/no longer waiting/);
  });

  it('passes a host-key question’s key on as data, for every window and one that opens late', async () => {
    const { asked, b } = broker();
    const hostKey = { host: 'btcpay.example', keyType: 'ED25519', fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', changed: false };
    void b.ask('job-3', 'The authenticity of host btcpay.example can\'t be established…', { trust: true, hostKey }, new AbortController().signal);
    expect(asked).toEqual([expect.objectContaining({ jobId: 'job-3', trust: true, hostKey })]);
    expect(b.pending()).toEqual(asked);
    // A plain question carries no key at all.
    void b.ask('job-3', 'Stop the service?', {}, new AbortController().signal);
    expect(asked[1]).not.toHaveProperty('hostKey');
    b.declineAll();
  });

  it('declines when the job is canceled, and at once when it already was', async () => {
    const { asked, closed, b } = broker();
    const controller = new AbortController();
    const answer = b.ask('job-2', 'Trust this host key?', { trust: true }, controller.signal);
    controller.abort();
    await expect(answer).resolves.toBe(false);
    expect(closed[0]).toMatchObject({ jobId: 'job-2', answer: false });
    await expect(b.ask('job-2', 'again?', {}, controller.signal)).resolves.toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('declines everything still waiting when the service closes', async () => {
    const { b } = broker();
    const one = b.ask('a', 'q1', {}, new AbortController().signal);
    const two = b.ask('b', 'q2', { trust: true }, new AbortController().signal);
    b.declineAll();
    await expect(Promise.all([one, two])).resolves.toEqual([false, false]);
    expect(b.pending()).toEqual([]);
  });
});
