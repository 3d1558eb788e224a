import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, HubException } from './hub-exception';

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every body and query against its DTO. Unknown fields are refused, so a typo in a
 * field name is a clear 400 rather than a silently ignored value.
 */
export const hubValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => {
    const details = flatten(errors);
    const summary = details.map((d) => d.message).join('; ');
    return HubException.badRequest('validation_failed', `Invalid request: ${summary}`, details);
  },
});
