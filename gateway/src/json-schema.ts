import { z } from 'zod';

/** A request schema as callers may send it, or a response schema as the gateway answers. */
export function jsonSchemaOf(
  schema: z.ZodType,
  io: 'input' | 'output' = 'input',
): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io });
}
