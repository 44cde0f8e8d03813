// mvdan-sh ships no types; the tests read its syntax tree loosely.
declare module 'mvdan-sh' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Node = any;
  const sh: {
    syntax: {
      NewParser(): { Parse(src: string, name: string): Node };
      NodeType(node: Node): string;
      Walk(node: Node, fn: (node: Node) => boolean): void;
    };
  };
  export default sh;
}
