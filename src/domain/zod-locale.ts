import { en } from "zod/locales";
import { config } from "zod/mini";

/**
 * Gives zod/mini English messages. It ships without any: every issue would read
 * "Invalid input", while clients rely on the messages classic zod installs
 * ("Invalid input: expected string, received number"). `en` is imported by
 * name: `z.locales.en` would bundle every locale (~260 KB). Every module that
 * builds schemas calls it at load (a bare side-effect import would be dropped
 * by bundlers: the package declares no side effects); it configures zod once.
 */
export function useEnglishZodMessages(): void {
  if (configured) return;
  config(en());
  configured = true;
}

let configured = false;
