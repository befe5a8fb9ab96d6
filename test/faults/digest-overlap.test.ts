/**
 * Two digest runs for one channel in the same process (a scheduled fire while `/case digest now` is still
 * posting, or the next fire of a frequent schedule while Slack is slow): the channel lease is the same
 * holder's, so it let the second run in, and both posted the same changes. Found by the crash tests
 * (crash.faults.ts), where a message held on its way to Slack outlasted the short lease.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import type { DigestRenderContext } from '../../src/domain/digest.js';
import { silentLogger } from '../../src/logging/logger.js';
import {
  type DigestPublisher,
  DigestRunner,
  type PostedDigestTag,
  type PreparedDigestMessage,
} from '../../src/scheduler/digest-runner.js';
import { createStore, type StatusChangeEvent, type Store } from '../../src/store/index.js';

const CHANNEL = 'COVERLAP1';
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** Posts one message per event, each held until `release` is called; records what it posted. */
class HeldPublisher implements DigestPublisher {
  readonly posted: number[][] = [];
  private readonly waiting: Array<() => void> = [];

  prepare(events: readonly StatusChangeEvent[], _context: DigestRenderContext): PreparedDigestMessage[] {
    return events.map((e) => ({ eventIds: [e.id], lastEventId: e.id }));
  }

  prepareEmpty(): PreparedDigestMessage {
    return { eventIds: [] };
  }

  async post(_channel: string, message: PreparedDigestMessage): Promise<{ ts?: string }> {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.posted.push(message.eventIds);
    return {};
  }

  async findPosted(): Promise<PostedDigestTag[]> {
    return [];
  }

  get held(): number {
    return this.waiting.length;
  }

  releaseAll(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

async function storeWithChanges(count: number): Promise<Store> {
  const dataDir = mkdtempSync(join(tmpdir(), 'caseops-overlap-'));
  const store = await createStore({ dataDir, logger: silentLogger });
  await store.migrate();
  cleanup = async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < count; i++) {
    const id = String(40_000_001 + i);
    await store.addWatch({
      vendor: 'equinix',
      caseId: id,
      channelId: CHANNEL,
      createdBy: 'UOPS',
      createdAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const seen = (status: string): Case => ({
      vendor: 'equinix',
      id,
      alternateIds: [],
      title: `Case ${id}`,
      status,
      state: 'open',
      notes: [],
      fields: [],
    });
    await store.recordObservation(seen('SUBMITTED'), new Date().toISOString());
    await store.recordObservation(seen('IN_PROGRESS'), new Date().toISOString());
  }
  return store;
}

describe('two digest runs for one channel in one process', () => {
  it('the second is told the channel is busy and posts nothing; every change is posted once', async () => {
    const store = await storeWithChanges(3);
    const publisher = new HeldPublisher();
    const runner = new DigestRunner({
      store,
      publisher,
      defaults: { cron: '0 9 * * *', timezone: 'UTC' },
      holder: 'one-process',
      logger: silentLogger,
    });

    const scheduled = runner.runChannel(CHANNEL, { trigger: 'scheduled' });
    while (publisher.held === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const now = runner.runChannel(CHANNEL, { trigger: 'now' });
    // Let the second run get as far as it can while the first one's message is still on its way.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const releasing = setInterval(() => publisher.releaseAll(), 5);
    try {
      expect(await now).toEqual({ status: 'busy' });
      expect(await scheduled).toMatchObject({ status: 'posted', changes: 3 });
    } finally {
      clearInterval(releasing);
    }
    expect(publisher.posted.flat().sort()).toEqual(
      (await store.eventsForChannel(CHANNEL, 0)).map((e) => e.id),
    );
  });
});
