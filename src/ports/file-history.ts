import type { FileHistory } from "../domain/ports.js";
import { token } from "./token.js";

export type { FileError, FileHistory, FileRecord, FileStatus } from "../domain/ports.js";

export const FILE_HISTORY = token<FileHistory>("FileHistory");
