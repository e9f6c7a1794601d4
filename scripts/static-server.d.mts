import type { Server } from 'node:http';
export declare const CHROMIUM_FLAGS: string[];
export declare const MIME: Record<string, string>;
export declare function serve(root: string): Promise<Server>;
