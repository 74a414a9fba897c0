import type { Actor } from "./actor.js";
import { forbidden, notFound } from "./errors.js";

/** A pure permission rule: may this actor do this to this object? */
export type Rule<T> = (actor: Actor, subject: T) => boolean;
export type Policy<T> = Record<string, Rule<T>>;

/** Throws a 403 problem when the rule says no. */
export function authorize<T>(actor: Actor, rule: Rule<T>, subject: T, code = "auth.forbidden"): void {
  if (!rule(actor, subject)) throw forbidden(code);
}

/** Throws a 404 problem when the actor may not even know the object exists. */
export function authorizeVisible<T>(actor: Actor, rule: Rule<T>, subject: T, code: string): void {
  if (!rule(actor, subject)) throw notFound(code);
}

/** The names of the actions the actor may take on the object, sent with replies for the UI. */
export function allowedActions<T, P extends Policy<T>>(
  policy: P,
  actor: Actor,
  subject: T,
): Array<keyof P & string> {
  return (Object.keys(policy) as Array<keyof P & string>).filter((name) => policy[name]?.(actor, subject));
}
