/** One-line answers: confirmations, refusals and problems, with the usage line where it helps. */
import { section } from './kit.js';
import { escapeMrkdwn, type SlackMessage } from './limits.js';

export function notice(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/** A problem worded for the person, followed by how the subcommand is used. */
export function problem(text: string, usage?: string): SlackMessage {
  const full = usage ? `${text}\nUsage: \`${escapeMrkdwn(usage)}\`` : text;
  return notice(full);
}
