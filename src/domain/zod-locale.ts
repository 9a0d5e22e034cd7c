import { en } from "zod/locales";

/**
 * The parse options that give zod/mini English messages. It ships without any:
 * every issue would read "Invalid input", while clients rely on the messages
 * classic zod installs ("Invalid input: expected string, received number").
 * Passed to each parse rather than set with `z.config()`, which would change
 * the messages of the host application's own schemas. `en` is imported by
 * name: `z.locales.en` would bundle every locale (~260 KB).
 */
export const ENGLISH_MESSAGES = { error: en().localeError } as const;
