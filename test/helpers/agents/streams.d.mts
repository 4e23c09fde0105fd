import type { Server, ServerResponse } from 'node:http';

export interface StreamUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export function anthropicStream(res: ServerResponse, n: number, text: string, usage?: StreamUsage): void;
export function responsesStream(res: ServerResponse, n: number, text: string): void;
export function listenLoopback(server: Server): Promise<{ port: number; url: string; close(): Promise<void> }>;
