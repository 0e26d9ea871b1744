export const metadata = { title: 'TutorMe', description: 'Book a tutor in minutes' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
