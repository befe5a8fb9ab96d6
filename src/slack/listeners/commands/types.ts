/**
 * The shape of a `/case` subcommand. Each subcommand is one object in its own file: a pure `parse` (the
 * grammar, fuzzed) and a `run` that happens after the ack. The table in subcommands.ts lists them; adding a
 * subcommand is one import and one line there.
 */
import type { SlackMessage } from '../../blocks/limits.js';
import type { SlackDeps } from '../../deps.js';
import type { FollowUpKind, NextTurn } from '../../follow-ups.js';
import type { CommandWords } from './words.js';

export interface CommandInvocation {
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId?: string;
  /** Good once, for 3 seconds: open a modal with it first, fill it in later. */
  triggerId: string;
  responseUrl: string;
  /** An ephemeral answer to the person who typed the command (through response_url, fitted to limits). */
  reply(message: SlackMessage): Promise<void>;
  /** Hands the event loop back to acks until this follow-up's next turn (follow-ups.ts). */
  nextTurn: NextTurn;
}

export interface SubcommandSpec<Args> {
  /** The word after `/case`. */
  name: string;
  aliases?: readonly string[];
  /** One line, e.g. "/case show <vendor> <id>". */
  usage: string;
  /** What it does, for `/case help`. */
  summary: string;
  examples?: readonly string[];
  /** Pure: the words after the subcommand name → arguments. Throws InvalidInputError and nothing else. */
  parse(words: CommandWords): Args;
  /** Runs after the command was acknowledged; may call vendors, the store and Slack. */
  run(deps: SlackDeps, invocation: CommandInvocation, args: Args): Promise<void>;
  /** True when `run` opens a modal with the trigger id first: it must not be held back long. */
  opensForm?(args: Args): boolean;
}

/** A subcommand with its argument type erased, as the table holds it. */
export interface Subcommand {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly usage: string;
  readonly summary: string;
  readonly examples: readonly string[];
  parse(words: CommandWords): unknown;
  run(deps: SlackDeps, invocation: CommandInvocation, args: unknown): Promise<void>;
  /** What kind of follow-up `run` is, for how long it may wait behind acks. */
  followUpKind(args: unknown): FollowUpKind;
}

export function defineSubcommand<Args>(spec: SubcommandSpec<Args>): Subcommand {
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    usage: spec.usage,
    summary: spec.summary,
    examples: spec.examples ?? [],
    parse: (words) => spec.parse(words),
    run: (deps, invocation, args) => spec.run(deps, invocation, args as Args),
    followUpKind: (args) => (spec.opensForm?.(args as Args) ? 'form' : 'reply'),
  };
}
