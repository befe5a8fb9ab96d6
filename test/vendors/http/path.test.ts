import { describe, expect, it } from 'vitest';
import { encodePath } from '../../../src/vendors/http/path.js';

describe('encodePath', () => {
  it('keeps the template and percent-encodes every parameter', () => {
    expect(encodePath`/support/v2/tickets/${'11150929'}/notes`).toBe('/support/v2/tickets/11150929/notes');
    expect(encodePath`/cases/${42}`).toBe('/cases/42');
    expect(encodePath`/t/${'a b'}/${'x?y#z'}`).toBe('/t/a%20b/x%3Fy%23z');
    expect(encodePath`/t/${'100%'}`).toBe('/t/100%25');
    expect(encodePath`/t/${'é'}`).toBe('/t/%C3%A9');
  });

  it('encodes slashes, so a parameter can never add path segments', () => {
    expect(encodePath`/t/${'../admin'}`).toBe('/t/..%2Fadmin');
    expect(encodePath`/t/${'11150929/notes'}/cancel`).toBe('/t/11150929%2Fnotes/cancel');
  });

  it('refuses parameters that would change the shape of the path', () => {
    expect(() => encodePath`/t/${''}/notes`).toThrow(TypeError);
    expect(() => encodePath`/t/${'.'}`).toThrow(TypeError);
    expect(() => encodePath`/t/${'..'}`).toThrow(TypeError);
  });
});
