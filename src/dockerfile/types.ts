// The parsed form of a Dockerfile. Produced by parse.ts; consumed by the build simulator.

export interface DfFlag {
  name: string;
  /** null for a flag without '=' (e.g. --link). */
  value: string | null;
}

export interface DfHeredoc {
  /** The delimiter word, e.g. EOF. */
  name: string;
  /** The body, without the closing delimiter line. Leading tabs already stripped for <<-. */
  content: string;
  /** <<-EOF */
  stripTabs: boolean;
  /** Delimiter was quoted ('EOF' or "EOF"): no variable expansion in the body. */
  quoted: boolean;
  /** Blanks between `<<` and the delimiter (`<< EOF`), which BuildKit reads since v0.22. */
  spaced?: true;
}

export interface DfInstruction {
  /** Upper-cased keyword: FROM, RUN, USER, ... (ONBUILD keeps its inner instruction in `inner`). */
  keyword: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** 1-based line where it ends (continuations and heredoc bodies included). */
  endLine: number;
  /** Leading --flags of the instruction (COPY --chown=..., RUN --mount=...), in order. */
  flags: DfFlag[];
  /**
   * The argument text after the keyword and the flags, continuation lines joined (the escape
   * character and newline removed, comment lines inside continuations dropped), not expanded.
   */
  args: string;
  /** Exec (JSON array) form, when the arguments are a valid JSON array of strings. */
  json: string[] | null;
  heredocs: DfHeredoc[];
  /** For ONBUILD: the instruction it wraps. */
  inner?: DfInstruction;
}

export interface DfStage {
  index: number;
  /** Lower-cased name from `FROM x AS name`. */
  name?: string;
  /** The FROM instruction; its args hold the image reference, unexpanded. */
  from: DfInstruction;
  /** Every instruction after FROM up to the next FROM. */
  instructions: DfInstruction[];
}

export interface DfParseError {
  line: number;
  message: string;
}

export interface Dockerfile {
  /** Escape character from the `# escape=` directive, '\\' by default. */
  escape: string;
  /** `# syntax=` directive, when present. */
  syntax?: string;
  /** Parser directives in order as found (lower-cased names). */
  directives: Record<string, string>;
  /** ARG instructions before the first FROM. */
  globalArgs: DfInstruction[];
  stages: DfStage[];
  /** All instructions in file order (global ARGs and every stage), for rules that scan the file. */
  instructions: DfInstruction[];
  /** Syntax problems. An empty list means the file parsed. */
  errors: DfParseError[];
}
