/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  experimental: {
    // Keep the Prisma engine and the postgres driver out of the server bundle.
    serverComponentsExternalPackages: ['@prisma/client', 'postgres'],
  },
};

export default nextConfig;
