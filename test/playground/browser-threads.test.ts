/**
 * Threads in the playground, in the system Chromium driven by playwright-core: a case card posted to #noc
 * gets a teammate's reply, the card shows "1 reply", its thread opens beside the channel with the card and the
 * reply; the person replies in the thread, sends that reply to the vendor with "Send to vendor as note" from
 * its menu (the note form filled and submitted), and sees the confirmation in the thread and ✅ on the reply;
 * then a portal link pasted in the thread unfurls there. A thread started with "Reply in thread" covers the
 * channel's right side in an 800 px window, and closes with Escape or when another channel is opened. Screenshots land in
 * test-artifacts/playground/.
 *
 * No Chromium: skipped with how to install it, except under CI=true, where that is a failure.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PLAYGROUND_TEAMMATE } from '../../src/playground/seed.js';
import type { EquinixSimulator } from '../../src/vendors/equinix/simulator.js';
import { type Browser, browserSuite, CHROMIUM, openBrowser, STEP_MS, shown } from './browser-kit.js';
import { type PlaygroundInstance, startPlaygroundInstance } from './harness.js';

const suite = browserSuite('playground threads browser test');

/** A seeded Equinix case of the sandbox (the one `/case help` names). */
const EQUINIX_CASE = '11150929';

suite(`playground threads in a browser (needs Chromium at ${CHROMIUM}: apt-get install chromium)`, () => {
  let instance: PlaygroundInstance;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    instance = await startPlaygroundInstance();
    browser = await openBrowser();
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await instance?.stop();
  });

  const channelMessages = () => page.locator('#messages article.message');
  const threadPanel = () => page.getByRole('complementary', { name: 'Thread' });
  const threadMessages = () => threadPanel().locator('article.message');

  it('opens a card thread, replies in it and sends the reply to the vendor as a note', async () => {
    try {
      await page.goto(instance.url);
      await shown(channelMessages(), 'BGP to the Equinix IX in SV5 is flapping');

      // A card in the channel: shown (only to the person), then posted for everyone.
      const composer = page.getByRole('textbox', { name: 'Message' });
      await composer.fill(`/case show equinix ${EQUINIX_CASE}`);
      await composer.press('Enter');
      const shownCard = await shown(
        channelMessages().filter({ hasText: 'Only visible to you' }),
        EQUINIX_CASE,
      );
      await shownCard.getByRole('button', { name: 'Post to channel' }).click();
      const card = await shown(channelMessages().filter({ hasNotText: 'Only visible to you' }), EQUINIX_CASE);
      const cardTs = (await card.getAttribute('data-ts')) as string;
      expect(cardTs).toMatch(/^\d+\.\d+$/);

      // A teammate answers in the card's thread: the card says so, the reply stays out of the channel.
      instance.playground.workspace.seedMessage(
        'C0NOC',
        PLAYGROUND_TEAMMATE.id,
        'Equinix says a field engineer is on the way to cage 0207.',
        cardTs,
      );
      await shown(card.getByRole('button', { name: /1 reply/ }), 'Last reply');
      expect(await channelMessages().filter({ hasText: 'field engineer is on the way' }).count()).toBe(0);
      expect(await threadPanel().isVisible()).toBe(false);

      await card.getByRole('button', { name: /1 reply/ }).click();
      await threadPanel().waitFor({ state: 'visible' });
      await shown(threadPanel(), '# noc');
      await shown(threadMessages().first(), EQUINIX_CASE);
      const teammateReply = await shown(threadMessages(), 'field engineer is on the way to cage 0207');
      await shown(teammateReply, 'Sam Okafor');
      await shown(threadPanel().locator('.thread-divider'), '1 reply');
      await browser.shot('20-thread-open');

      // The person replies in the thread: the reply is theirs, and the card now counts two.
      const reply = threadPanel().getByRole('textbox', { name: 'Reply' });
      await reply.fill('Optic reseated on port 0207/12; CRC errors stopped at 10:41.');
      await reply.press('Enter');
      const mine = await shown(threadMessages(), 'Optic reseated on port 0207/12');
      await shown(mine, 'Alex Rivera');
      expect(await reply.inputValue()).toBe('');
      await shown(card.getByRole('button', { name: /2 replies/ }), 'Last reply');
      const sent = instance.playground.fake.messages.find((m) => m.text?.startsWith('Optic reseated'));
      expect(sent).toMatchObject({ channel: 'C0NOC', user: 'U0ALEX', threadTs: cardTs });

      // "Send to vendor as note" from the reply's menu: the thread's card names the case, the note is the reply.
      await mine.hover();
      await mine.getByRole('button', { name: 'More actions' }).click();
      await page.getByRole('menuitem', { name: /Send to vendor as note/ }).click();
      await page.locator('#modal-title', { hasText: 'Send as note' }).waitFor();
      const form = page.locator('form.modal');
      await shown(form, `Equinix case ${EQUINIX_CASE}`);
      const note = form.getByLabel('Note');
      await expect
        .poll(() => note.inputValue(), { timeout: STEP_MS })
        .toContain('Optic reseated on port 0207/12');
      expect(await note.inputValue()).toContain('From Slack:');
      await note.fill(`${await note.inputValue()}\nLight levels back to normal.`);
      await browser.shot('21-thread-note-form');
      await form.getByRole('button', { name: 'Send note' }).click();
      await shown(form, `Sent to Equinix case ${EQUINIX_CASE} as a note.`);
      await form.locator('[data-modal-close]').click();
      await form.waitFor({ state: 'detached' });

      // The confirmation lands in the thread, and the reply that was sent gets ✅.
      await shown(threadMessages(), 'Sent to Equinix as a note by');
      await shown(mine.locator('.reactions'), '✅');
      await shown(card.getByRole('button', { name: /3 replies/ }), 'Last reply');
      // What Equinix got: the reply, its link back to Slack, and what the person added.
      const equinix = instance.sandbox.simulators.equinix as EquinixSimulator;
      const got = equinix.find(EQUINIX_CASE)?.notes[0]?.text ?? '';
      expect(got).toContain('Optic reseated on port 0207/12');
      expect(got).toContain('From Slack: https://');
      expect(got).toContain('Light levels back to normal.');
      await browser.shot('22-thread-note-sent');

      // A portal link pasted in the thread unfurls under the reply.
      await reply.fill(`Case page: https://portal.example.com/equinix/case/${EQUINIX_CASE}`);
      await reply.press('Enter');
      const linked = await shown(threadMessages(), 'Case page:');
      await shown(linked.locator('.unfurl'), EQUINIX_CASE);
      await browser.shot('23-thread-unfurl');

      await threadPanel().getByRole('button', { name: 'Close the thread' }).click();
      await threadPanel().waitFor({ state: 'hidden' });
      expect(browser.pageErrors).toEqual([]);
    } catch (error) {
      await browser.shot('threads-failure').catch(() => undefined);
      throw error;
    }
  }, 90_000);

  it('starts a thread with "Reply in thread" and shows it over the channel in an 800 px window', async () => {
    try {
      await page.setViewportSize({ width: 800, height: 700 });
      await page.locator('[data-nav-channel="C0DATACENTER"]').click();
      const seeded = await shown(channelMessages(), 'Smart Hands are booked for the optic reseat');
      await seeded.hover();
      await seeded.getByRole('button', { name: 'Reply in thread' }).click();
      await threadPanel().waitFor({ state: 'visible' });
      await shown(threadPanel(), '# datacenter');
      await shown(threadPanel().locator('.thread-divider'), 'No replies yet');
      const box = await threadPanel().boundingBox();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(800);
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(800);

      const reply = threadPanel().getByRole('textbox', { name: 'Reply' });
      await expect.poll(() => reply.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      // A slash command belongs in the channel's composer: kept here with the reason, nothing posted.
      await reply.fill('/case help');
      await reply.press('Enter');
      await shown(threadPanel().locator('#thread-error'), "Slash commands run from the channel's composer");
      expect(await reply.inputValue()).toBe('/case help');
      await reply.fill('I will be there at 08:00 to let them in.');
      await reply.press('Enter');
      await shown(threadMessages(), 'I will be there at 08:00');
      expect(await threadPanel().locator('#thread-error').isVisible()).toBe(false);
      await shown(seeded.getByRole('button', { name: /1 reply/ }), 'Last reply');
      await browser.shot('24-thread-narrow');

      // Escape closes the thread; so does another channel (the thread belongs to #datacenter).
      await page.keyboard.press('Escape');
      await threadPanel().waitFor({ state: 'hidden' });
      await seeded.getByRole('button', { name: /1 reply/ }).click();
      await threadPanel().waitFor({ state: 'visible' });
      await page.locator('[data-nav-channel="C0NOC"]').click();
      await threadPanel().waitFor({ state: 'hidden' });
      await page.setViewportSize({ width: 1400, height: 900 });
      expect(browser.pageErrors).toEqual([]);
    } catch (error) {
      await browser.shot('threads-failure').catch(() => undefined);
      throw error;
    }
  }, 60_000);
});
