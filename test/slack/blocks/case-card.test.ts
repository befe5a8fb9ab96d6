/**
 * The case card and its Details view, as the engineer reads them: built from what the vendor plugins' mappers
 * make of real answers, and held against the Slack limits module.
 */
import { describe, expect, it } from 'vitest';
import type { Case } from '../../../src/domain/case.js';
import { buildCaseCard, CASE_ACTIONS } from '../../../src/slack/blocks/case-card.js';
import { caseDetailsModal } from '../../../src/slack/blocks/case-details.js';
import type { Block } from '../../../src/slack/blocks/kit.js';
import { blockTextLength, fitMessage, fitModal, SLACK_LIMITS } from '../../../src/slack/blocks/limits.js';
import { ciscoCaseToCase } from '../../../src/vendors/cisco/mapper.js';
import { CiscoCase } from '../../../src/vendors/cisco/schemas.js';
import { motadataCase } from '../../../src/vendors/motadata/mapper.js';
import { MotadataIncident } from '../../../src/vendors/motadata/schemas.js';
import { portalLink } from '../../../src/vendors/portal.js';
import { blockText } from '../../support/slack-harness.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const L = SLACK_LIMITS;
const TEMPLATE = 'https://mycase.cloudapps.cisco.com/case/{id}';

/** Every field the Cisco details call documents, filled; 30 notes of 1,500 characters; a 240-character title. */
function largestCiscoCase(): Case {
  const record = CiscoCase.parse({
    case_id: '682299374',
    status: 'Cisco Pending',
    status_flag: 'O',
    title: `Core router reload <!here> *loop* :fire: ${'x'.repeat(240)}`.slice(0, 240),
    severity: '1',
    user_id: 'noc-automation',
    contact_name: 'Jo Operator',
    creation_date: new Date(NOW - 3 * DAY).toISOString(),
    updated_date: new Date(NOW - 2 * 3_600_000).toISOString(),
    close_date: '',
    serial_number: 'FOC2310X0AB',
    contract_id: '91234567',
    technology_name: 'Routing - IOS XE',
    sub_technology_name: 'Unexpected Reload',
    problem_code_name: 'Software Failure',
    request_type: 'Diagnose and Fix',
    tracking_number: 'NOC-2026-0042',
    owner_name: 'Josh Engineer',
    owner_email: 'josh@cisco.example',
    rmas: ['88451234', '88451235'],
    bugs: [{ bug_id: 'CSCvx12345' }, { bug_id: 'CSCwa00001' }],
    notes: Array.from({ length: 30 }, (_, i) => ({
      note: '',
      note_detail: `Note ${i}: ${'show tech attached & reviewed <@U123> '.repeat(40)}`.slice(0, 1500),
      created_by: `Engineer ${i}`,
      creation_date: new Date(NOW - (30 - i) * 3_600_000).toISOString(),
    })),
  });
  const c = ciscoCaseToCase(record);
  return { ...c, url: portalLink(TEMPLATE, c.id) };
}

/** Every limit the limits module names, checked on a built (not yet fitted) list of blocks. */
function expectWithinLimits(blocks: Block[], maxBlocks: number, maxText: number): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  expect(blocks.reduce((sum, b) => sum + blockTextLength(b), 0)).toBeLessThanOrEqual(maxText);
  for (const block of blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(L.message.headerChars);
    if (block.type === 'section') {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(L.message.sectionTextChars);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(L.message.fieldCount);
      for (const field of block.fields ?? [])
        expect(field.text.length).toBeLessThanOrEqual(L.message.fieldChars);
    }
    if (block.type === 'actions')
      expect(block.elements.length).toBeLessThanOrEqual(L.element.actionsElements);
  }
}

const capabilities = new Set(['lookup', 'list'] as const);

describe('the case card', () => {
  it('fits Slack with the largest realistic case: 30 notes, a 240-character title, every Cisco field', () => {
    const c = largestCiscoCase();
    expect(c.title).toHaveLength(240);
    const card = buildCaseCard(c, { surface: 'ephemeral', capabilities, now: NOW, notes: 30 });
    expectWithinLimits(card.blocks, L.message.blocks, L.message.totalBlockTextChars);
    // Nothing had to be cut to fit: the card is built within the limits, not trimmed into them.
    expect(fitMessage(card).blocks).toEqual(card.blocks);

    const modal = caseDetailsModal(c, NOW);
    expectWithinLimits(modal.blocks as Block[], L.modal.blocks, Number.POSITIVE_INFINITY);
    expect(fitModal(modal)).toEqual(modal);
  });

  it('shows a note sent from Slack with who sent it, and never turns anything else into a mention', () => {
    const c = largestCiscoCase();
    const notes = [
      {
        text: 'Tested the circuit',
        createdAt: c.updatedAt,
        source: 'slack' as const,
        slackUserId: 'UALICE01',
      },
      { text: 'Forged', createdAt: c.updatedAt, source: 'slack' as const, slackUserId: '<!channel>' },
    ];
    const text = blockText(
      buildCaseCard({ ...c, notes }, { surface: 'channel', capabilities, now: NOW }).blocks,
    );
    expect(text).toContain('*Sent from Slack* by <@UALICE01>');
    expect(text).not.toContain('<!channel>');
  });

  it('links the case id to the case at the vendor and shows the title exactly as written', () => {
    const c = largestCiscoCase();
    const card = buildCaseCard(c, { surface: 'channel', capabilities, now: NOW });
    const text = blockText(card.blocks);
    expect(text).toContain(`<${TEMPLATE.replace('{id}', '682299374')}|682299374>`);
    // Longer than a header holds, so a plain-text section carries it whole: no mention, no bold, no emoji.
    const title = card.blocks[0];
    expect(title).toEqual({ type: 'section', text: { type: 'plain_text', text: c.title, emoji: false } });
    const short = buildCaseCard(
      { ...c, title: '<!channel> *PSU* :fire:' },
      { surface: 'channel', capabilities },
    );
    expect(short.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '<!channel> *PSU* :fire:', emoji: false },
    });
  });

  it('makes Sev 1 unmistakable, gives the state in words beside the vendor status, and shows the owner', () => {
    const text = blockText(buildCaseCard(largestCiscoCase(), { surface: 'channel', capabilities }).blocks);
    expect(text).toContain(':red_circle: *Sev 1*');
    expect(text).toContain('*Waiting on vendor* (Cisco Pending)');
    expect(text).toContain('*Owner*\nJosh Engineer');
  });

  it('shows opened and updated as ages with the exact time in the reader zone, one format throughout', () => {
    const text = blockText(buildCaseBlocksOf(largestCiscoCase()));
    const opened = Math.floor((NOW - 3 * DAY) / 1000);
    const updated = Math.floor((NOW - 2 * 3_600_000) / 1000);
    expect(text).toContain(`*Opened*\n3 d ago · <!date^${opened}^{date_short_pretty} {time}|`);
    expect(text).toContain(`*Updated*\n2 h ago · <!date^${updated}^{date_short_pretty} {time}|`);
    const formats = new Set([...text.matchAll(/<!date\^\d+\^([^|]+)\|/g)].map((m) => m[1]));
    expect([...formats]).toEqual(['{date_short_pretty} {time}']);
  });

  it('lists the latest notes newest first with author and age, their text escaped', () => {
    const text = blockText(buildCaseBlocksOf(largestCiscoCase()));
    const newest = text.indexOf('*Engineer 29* · 1 h ago');
    const next = text.indexOf('*Engineer 28* · 2 h ago');
    expect(newest).toBeGreaterThan(-1);
    expect(next).toBeGreaterThan(newest);
    expect(text).not.toContain('*Engineer 26*');
    expect(text).toContain('&amp; reviewed &lt;@U123&gt;');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('27 older notes in Details.');
  });

  it('offers Details, and shows vendor enum values in the words the forms use', () => {
    const incident = MotadataIncident.parse({
      id: 1042,
      subject: 'Link down',
      status: 'In Progress',
      priority: 'URGENT',
      impact: 'ONDEPARTMENT',
      urgency: 'HIGH',
      requesterEmail: 'noc@example.net',
    });
    const card = buildCaseCard(motadataCase(incident), { surface: 'ephemeral', capabilities });
    const text = blockText(card.blocks);
    expect(text).toContain(':red_circle: *Urgent*');
    expect(text).toContain('*Impact*\nOn a department');
    expect(text).toContain('*Urgency*\nHigh');
    expect(text).not.toMatch(/URGENT|ONDEPARTMENT/);
    expect(JSON.stringify(card.blocks)).toContain(`"action_id":"${CASE_ACTIONS.details}"`);
  });
});

describe('the Details view', () => {
  it('shows every field Cisco returned, grouped, and every note', () => {
    const modal = caseDetailsModal(largestCiscoCase(), NOW);
    const text = blockText(modal.blocks);
    for (const [label, value] of [
      ['Contract', '91234567'],
      ['Serial number', 'FOC2310X0AB'],
      ['Tracking number', 'NOC-2026-0042'],
      ['RMAs', '88451234, 88451235'],
      ['Bugs', 'CSCvx12345, CSCwa00001'],
      ['Cisco owner', 'Josh Engineer (josh@cisco.example)'],
      ['Request type', 'Diagnose and Fix'],
      ['Contact', 'Jo Operator'],
      ['Technology', 'Routing - IOS XE'],
    ]) {
      expect(text).toContain(`*${label}*\n${value}`);
    }
    for (const group of ['Case', 'Problem', 'Hardware and contract', 'People'])
      expect(text).toContain(`*${group}*`);
    expect(text).toContain('*Notes* (30, newest first)');
    expect(text).toContain('*Engineer 0*');
  });
});

function buildCaseBlocksOf(c: Case): Block[] {
  return buildCaseCard(c, { surface: 'channel', capabilities, now: NOW }).blocks;
}
