/** The words of a reply in a card's thread: what changed, as the card words it, with the vendor's text inert. */
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/ports/store.js';
import type { ThreadReply } from '../../../src/scheduler/thread-replies.js';
import { buildThreadUpdate } from '../../../src/slack/blocks/thread-update.js';
import { blockText } from '../../support/slack-harness.js';

let nextId = 1;
function event(change: Partial<CaseEvent>): CaseEvent {
  return {
    id: nextId++,
    vendor: 'cisco',
    caseId: '690000001',
    kind: 'status',
    title: 'Fan tray <!here> failure',
    fromStatus: 'Cisco Pending',
    fromState: 'waiting-on-vendor',
    toStatus: 'Cisco Pending',
    toState: 'waiting-on-vendor',
    observedAt: '2030-01-01T09:00:00.000Z',
    ...change,
  };
}

function reply(events: CaseEvent[]): ThreadReply {
  return {
    key: 'k',
    channelId: 'CNOC0001',
    cardTs: '1.000001',
    vendor: 'cisco',
    caseId: '690000001',
    afterEventId: 0,
    toEventId: events.at(-1)!.id,
    events,
    at: '2030-01-01T14:00:00.000Z',
  };
}

describe('a thread reply', () => {
  it('says the state path in the card’s words, with the vendor’s, and counts the changes', () => {
    const message = buildThreadUpdate(
      reply([
        event({ toStatus: 'Customer Pending', toState: 'waiting-on-customer' }),
        event({
          fromStatus: 'Customer Pending',
          fromState: 'waiting-on-customer',
          toStatus: 'Closed',
          toState: 'closed',
        }),
      ]),
    );
    const text = blockText(message.blocks);
    expect(text).toContain(
      'Waiting on vendor → Waiting on us → *Closed* (Cisco Pending → Customer Pending → Closed)',
    );
    expect(text).toContain('2 changes since the last update in this thread');
    expect(message.text).toBe('Cisco case 690000001: Waiting on vendor → Closed');
  });

  it('quotes a vendor note’s first lines under who wrote it, escaped; owner and severity from first to last', () => {
    const text = blockText(
      buildThreadUpdate(
        reply([
          event({
            kind: 'note',
            note: {
              text: 'Line one <@U123>\n\nLine two\nLine three\nLine four',
              author: 'Josh <Engineer>',
              source: 'vendor',
            },
          }),
          event({ kind: 'owner', from: '', to: 'Priya Raman' }),
          event({ kind: 'owner', from: 'Priya Raman', to: 'Marco Bianchi' }),
          event({ kind: 'severity', from: '3', to: '3' }),
        ]),
      ).blocks,
    );
    expect(text).toContain('Josh &lt;Engineer&gt; (Cisco) wrote:');
    expect(text).toContain('>Line one &lt;@U123&gt;\n>Line two\n>Line three\n>…');
    expect(text).not.toContain('Line four');
    expect(text).toContain('Owner: none → *Marco Bianchi*');
    expect(text).not.toContain('Severity');
    expect(text).not.toContain('<@U123>');
  });

  it('names who sent a note from Slack, and counts the notes beyond the first five', () => {
    const notes = Array.from({ length: 7 }, (_, i) =>
      event({
        kind: 'note',
        note: { text: `note ${i}`, source: i === 0 ? 'slack' : 'vendor', slackUserId: 'UALICE01' },
      }),
    );
    const text = blockText(buildThreadUpdate(reply(notes)).blocks);
    expect(text).toContain('<@UALICE01> sent a note to Cisco from Slack:\n>note 0');
    expect(text).toContain('Cisco wrote:\n>note 1');
    expect(text).not.toContain('note 5');
    expect(text).toContain('and 2 more notes');
  });

  it('a status change within one state says it still is in that state', () => {
    const text = blockText(buildThreadUpdate(reply([event({ toStatus: 'Cisco Pending (RMA)' })])).blocks);
    expect(text).toContain('Still *Waiting on vendor* (Cisco Pending → Cisco Pending (RMA))');
  });

  it('says whose move it is now and for how long, from the recorded clock', () => {
    const noted = event({
      kind: 'note',
      note: { text: 'Sent a new fan tray.', author: 'Josh', source: 'vendor' },
    });
    const waiting = buildThreadUpdate({
      ...reply([noted]),
      clock: { situation: 'waiting-on-us', since: '2030-01-01T09:00:00.000Z' },
    });
    expect(blockText(waiting.blocks)).toContain(':stopwatch: Waiting on us for 5 h · 1 change');
    const silent = buildThreadUpdate({
      ...reply([noted]),
      clock: { situation: 'vendor-silent', since: '2029-12-30T14:00:00.000Z' },
    });
    expect(blockText(silent.blocks)).toContain('Cisco silent for 2 d');
    expect(blockText(buildThreadUpdate(reply([noted])).blocks)).not.toContain(':stopwatch:');
  });
});
