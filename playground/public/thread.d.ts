// Types of thread.js for the TypeScript tests (the page itself loads the plain JavaScript).
export interface PageMessage {
  ts: string;
  author: string;
  text: string;
  ephemeral: boolean;
  threadTs?: string;
  thread?: { replyCount: number; replyUsers: string[]; latestReplyTs: string };
}

export interface PageThread {
  channel: string;
  root: PageMessage;
  replies: PageMessage[];
}

export function threadIn(
  state: { messages: Record<string, PageMessage[]> },
  open: { channel: string; ts: string } | undefined,
): PageThread | undefined;
export function channelLevel(messages: PageMessage[]): PageMessage[];
export function threadSummary(
  thread: PageMessage['thread'],
  helpers: { authorOf(id: string): { name?: string; realName?: string }; timeOf(ts: string): string },
): string;
export function threadMessagesHtml(thread: PageThread, drawn: (m: PageMessage) => string): string;
export function createThreadPanel(deps: unknown): unknown;
