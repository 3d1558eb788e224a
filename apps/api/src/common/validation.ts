import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, HubException } from './hub-exception';

/** Constraints that say the value has the wrong type; when one fails, the others are noise. */
const TYPE_CONSTRAINTS = new Set(['isString', 'isArray', 'isInt', 'isNumber', 'isBoolean', 'isObject', 'whitelistValidation']);

/** One clear message a problem: "is required" for a missing field, the type error before the rest. */
function problemsOf(e: ValidationError, field: string): FieldProblem[] {
  const constraints = Object.entries(e.constraints ?? {});
  if (!constraints.length) return [];
  // Optional fields skip validation when absent, so an error on an absent value means "required".
  if (e.value === undefined) return [{ field, message: `${field} is required` }];
  const typeErrors = constraints.filter(([name]) => TYPE_CONSTRAINTS.has(name));
  return (typeErrors.length ? typeErrors : constraints).map(([, message]) => ({ field, message }));
}

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [...problemsOf(e, field), ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every body and query against its DTO. Unknown fields are refused, so a typo in a
 * field name is a clear 400 rather than a silently ignored value.
 */
export class HubValidationPipe extends ValidationPipe {
  constructor(options: { refuseUnknownFields?: boolean } = {}) {
    super({
      whitelist: true,
      forbidNonWhitelisted: options.refuseUnknownFields ?? true,
      transform: true,
      exceptionFactory: (errors) => {
        const details = flatten(errors);
        const summary = details.map((d) => d.message).join('; ');
        return HubException.badRequest('validation_failed', `Invalid request: ${summary}`, details);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A JSON array or scalar where an object is expected would otherwise fail field by field
    // ("property 0 should not exist"), which hides the real mistake.
    if (metadata.type === 'body' && !metadata.data && this.toValidate(metadata) && !isPlainObjectOrAbsent(value)) {
      throw HubException.badRequest('invalid_body', 'The request body must be a JSON object');
    }
    const result = await super.transform(value, metadata);
    // Bodies and queries only: custom parameter decorators hand over objects of the hub's own.
    const unsafe = metadata.type === 'body' || metadata.type === 'query' ? unsafeNumberField(result, metadata.data ?? '') : null;
    if (unsafe !== null) {
      const message = `${unsafe || 'the value'} is out of range: numbers must be whole or decimal values between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;
      throw HubException.badRequest('validation_failed', `Invalid request: ${message}`, [{ field: unsafe, message }]);
    }
    return result;
  }
}

/**
 * The field of the first number past ±2^53 (or not finite) in a validated value, or null.
 * `@IsInt()` accepts 1e20, which no column, OFFSET or counter of the hub can take.
 */
function unsafeNumberField(value: unknown, field: string): string | null {
  const stack: [unknown, string][] = [[value, field]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number' && (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)) return at;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    for (const [key, inner] of Object.entries(v)) stack.push([inner, at ? `${at}.${key}` : key]);
  }
  return null;
}

const isPlainObjectOrAbsent = (value: unknown) => value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));

const ACCEPTS_UNKNOWN_FIELDS = Symbol('hub:acceptsUnknownFields');

/**
 * Marks a DTO whose unknown fields are dropped rather than refused: for the Hugging Face-
 * compatible routes, whose clients send fields this hub has no use for (`resourceGroupId`,
 * `xetEnabled`, `expand`...).
 */
export const AcceptsUnknownFields = (): ClassDecorator => (target) => {
  Reflect.defineMetadata(ACCEPTS_UNKNOWN_FIELDS, true, target);
};

const lenientPipe = new HubValidationPipe({ refuseUnknownFields: false });

/** The global pipe: strict, except for DTOs marked @AcceptsUnknownFields(). */
class GlobalValidationPipe extends HubValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.metatype && Reflect.getMetadata(ACCEPTS_UNKNOWN_FIELDS, metadata.metatype)) return lenientPipe.transform(value, metadata);
    return super.transform(value, metadata);
  }
}

export const hubValidationPipe = new GlobalValidationPipe();
