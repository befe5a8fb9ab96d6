// Types of render.js for the TypeScript tests (the page itself loads the plain JavaScript).
export interface RenderContext {
  users?: Record<string, string>;
  channels?: Record<string, string>;
  timeZone?: string;
  now?: number;
}

export function escapeHtml(value: unknown): string;
export function decodeSlackEntities(text: unknown): string;
export function safeUrl(url: unknown): string | undefined;
export function emojify(escapedText: string): string;
export function formatSlackDate(
  seconds: number | string,
  format: string,
  ctx?: RenderContext,
): string | undefined;
export function renderMrkdwn(text: unknown, ctx?: RenderContext): string;
export function renderPlain(textObject: unknown): string;
export function renderText(textObject: unknown, ctx?: RenderContext): string;
export function renderJson(value: unknown, what: string): string;
export function renderBlocks(blocks: unknown, ctx?: RenderContext): string;
export function localDateTimeValue(seconds: unknown): string;
export function renderInputElement(
  element: unknown,
  blockId: string,
  actionId: string,
  ctx: RenderContext | undefined,
  inputId: string,
): string;
export function renderModalBlocks(
  blocks: unknown,
  ctx?: RenderContext,
  errors?: Record<string, string>,
): string;
