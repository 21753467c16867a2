// Types of scripts/families.mjs, for the TypeScript that imports it (the @omega/providers test).
export interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  omega?: { entries?: string };
  exports?: Record<string, unknown>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}
export interface WorkspacePackage {
  /** Absolute path of the package folder. */
  dir: string;
  /** The folder's name under packages/. */
  folder: string;
  manifest: Manifest;
}
export interface Family extends WorkspacePackage {
  /** `@omega/session` */
  name: string;
  /** `session` */
  short: string;
}
export declare const REPO: string;
export declare function workspacePackages(): WorkspacePackage[];
export declare function shortName(name: string): string;
export declare function families(): Family[];
