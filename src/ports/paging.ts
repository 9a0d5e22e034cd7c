export type { Page, PageRequest } from "../domain/paging.js";
