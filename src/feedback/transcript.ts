/**
 * Token usage from a Claude Code transcript (the JSONL file its hook payloads name as
 * `transcript_path`): each assistant record carries `message.usage` with input, output,
 * cache-creation and cache-read tokens. One API message may be written as several records (one per
 * content block) with the same id and usage: each id is counted once. Read from an offset, whole
 * lines only, so each hook call adds just the new turns.
 */
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import type { Tokens } from './prices.js';

/** At most this much is read per call: a huge transcript is caught up over several hooks. */
const MAX_READ = 16 * 1024 * 1024;

export interface TranscriptUsage extends Tokens {
  model: string;
  /** Tokens in the context at the last turn read: its input plus both cache counts. */
  contextTokens: number;
  turns: number;
  /** Where the next read starts (after the last whole line). */
  offset: number;
}

type Usage = { input_tokens?: number; output_tokens?: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number };
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

export function readTranscriptUsage(path: string, offset: number, seen: Set<string>): TranscriptUsage {
  const out: TranscriptUsage = { model: '', input: 0, output: 0, cacheCreation: 0, cacheRead: 0, contextTokens: 0, turns: 0, offset };
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const size = fstatSync(fd).size;
    // A transcript that shrank was replaced: start it over.
    const from = offset > size ? 0 : offset;
    const len = Math.min(size - from, MAX_READ);
    if (len <= 0) return { ...out, offset: from };
    const buf = Buffer.allocUnsafe(len);
    const got = readSync(fd, buf, 0, len, from);
    const end = buf.subarray(0, got).lastIndexOf(10);
    if (end < 0) return { ...out, offset: from };
    out.offset = from + end + 1;
    for (const line of buf.toString('utf8', 0, end).split('\n')) {
      if (!line.includes('"usage"')) continue;
      let rec: { type?: string; requestId?: string; message?: { id?: string; model?: string; usage?: Usage } };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue; // not ours to judge: the CLI's file
      }
      const u = rec.message?.usage;
      if (rec.type !== 'assistant' || !u) continue;
      const id = `${rec.message?.id ?? ''}|${rec.requestId ?? ''}`;
      if (id !== '|') {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      out.turns++;
      out.input += n(u.input_tokens);
      out.output += n(u.output_tokens);
      out.cacheCreation += n(u.cache_creation_input_tokens);
      out.cacheRead += n(u.cache_read_input_tokens);
      out.contextTokens = n(u.input_tokens) + n(u.cache_creation_input_tokens) + n(u.cache_read_input_tokens);
      if (rec.message?.model) out.model = rec.message.model;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
