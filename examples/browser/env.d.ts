// What Vite's `?url` import gives: the URL of the file in the build (vite/client declares the same).
declare module '*?url' {
  const url: string;
  export default url;
}
