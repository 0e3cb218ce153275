/**
 * EventBridge wildcards: `*` matches zero or more characters; `\*` is a literal asterisk and `\\` a literal
 * backslash. Consecutive `*` and any other escape are invalid (see `wildcardProblem`).
 */
export function wildcardProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
      i += 1;
    } else if (char === '*' && text[i + 1] === '*') {
      return 'consecutive wildcard characters are not allowed';
    }
  }
  return undefined;
}

const cache = new Map<string, RegExp>();

export function wildcardRegExp(text: string): RegExp {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  let source = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (char === '\\') {
      const next = text[i + 1] ?? '';
      source += next.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      i += 1;
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    }
  }
  const regExp = new RegExp(`^${source}$`);
  cache.set(text, regExp);
  return regExp;
}

export function wildcardMatches(text: string, value: unknown): boolean {
  return typeof value === 'string' && wildcardRegExp(text).test(value);
}
