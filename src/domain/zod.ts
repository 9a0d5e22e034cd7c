import { en } from "zod/locales";
import * as z from "zod/mini";

// zod/mini ships without messages: every issue would read "Invalid input". The
// English locale is the one classic zod installs, and clients rely on its
// messages ("Invalid input: expected string, received number"). Imported by
// name: `z.locales.en` would bundle every locale (~260 KB). Every orderflow
// module that builds schemas imports `z` from here, so the locale is set
// before its first schema whichever module loads first.
z.config(en());

export { z };
