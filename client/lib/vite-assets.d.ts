// vite's `?url` imports: the module's default export is the URL of the file, served from our own origin.
declare module '*?url' {
  const url: string;
  export default url;
}
