# Aplikasi CareKey: isi layar-layarnya, dalam bahasa Indonesia. Pesan,
# atribut, dan variabelnya sama dengan katalog bahasa Inggris.

-brand = CareKey

## Saat mulai

loading-title = Memulai { -brand }…
start-failed-title = { -brand } tidak dapat dimulai
try-again = Coba lagi
back = Kembali
close = Tutup
settings-open = Pengaturan

## Selamat datang

welcome-title = Selamat datang di { -brand }
welcome-lead = Masuk dengan kode yang dikirim ke email atau telepon Anda. Tidak ada kata sandi yang perlu diingat.
choose-register = Buat akun
choose-login = Masuk
choose-guest = Coba { -brand } tanpa akun

## Mendaftar atau masuk

contact-title-register = Buat akun Anda
contact-title-login = Masuk
via-legend = Kirim kode saya melalui
via-email = Email
via-phone = Pesan teks (SMS)
email-label = Alamat email
phone-label = Nomor ponsel
phone-label-optional = Nomor ponsel (tidak wajib jika Anda memberikan email)
country =
    .aria-label = Negara
country-other = Lainnya (ketik nomor dengan +)
phone-hint = Pilih negara Anda, lalu ketik nomor seperti saat Anda menelepon di dalam negeri. Nomor yang diawali + berlaku untuk negara mana pun.
both-hint = Berikan alamat email, nomor ponsel, atau keduanya: Anda lalu dapat masuk dengan salah satunya. Jika keduanya diberikan, kode pertama ini dikirim melalui email.
first-name-label = Nama depan
last-name-label = Nama belakang
role-legend = Saya
role-patient = Pasien
role-clinician = Tenaga kesehatan
clinician-id-label = ID { -brand } tenaga kesehatan Anda
clinician-invited-drop = Ketik ID saja
clinician-hint = Tenaga kesehatan Anda dapat menemukannya di layar beranda { -brand } miliknya. Ia dapat membaca apa yang Anda bagikan kepadanya.
contact-submit = Kirim kode
whatsapp-register = Daftar dengan WhatsApp
whatsapp-login = Masuk dengan WhatsApp
captcha-opens = Pemeriksaan singkat bahwa yang meminta adalah manusia akan terbuka di jendela baru.

## Kode

code-title = Masukkan kode Anda
code-label = Kode
code-sent-to = Kami mengirim kode { $length } digit ke { $login }. Kode berlaku sampai { $until }.
code-input =
    .aria-label = Kode { $length } digit
code-submit = Lanjutkan
resend = Kirim ulang kode
resend-in = Kirim ulang kode dalam { $seconds } dtk
code-restart = Gunakan email atau telepon lain
code-start-again = Mulai lagi
code-expires-in = Kode kedaluwarsa dalam { $seconds } dtk.
code-expired = Kode ini sudah kedaluwarsa. Mulai lagi untuk mendapatkan kode baru.
code-match-before = Membaca pesan di perangkat lain? Buka tautannya di sana dan ketik
code-match-after = saat diminta angka perangkat ini: layar ini akan berlanjut sendiri.
code-waiting = Menunggu persetujuan dari perangkat Anda yang lain.
code-type-digits = Ketik { $length } digit kode.
code-resent = Kode baru telah dikirim ke { $login }. Kode sebelumnya tidak berlaku lagi.
approved-elsewhere = Disetujui dari perangkat Anda yang lain. Anda sudah masuk.
server-unreachable-retrying = Server tidak dapat dihubungi saat ini. Mencoba lagi dalam { $seconds } dtk; tidak ada yang hilang selama menunggu.

## Pengaturan: bahasa

settings-language = Bahasa
settings-language-hint = Layar aplikasi, dan pesan yang dikirim { -brand } kepada Anda, menggunakan bahasa ini.
language-saved = Bahasa disimpan.

## Kesalahan: kalimat untuk setiap kode kesalahan yang dikenal aplikasi.

error-internal = Terjadi kesalahan di dalam { -brand }. Silakan coba lagi.
error-no_backend = Jendela { -brand } terbuka di luar aplikasi.
error-invalid_email = Ini bukan alamat email yang valid.
error-invalid_phone = Ini bukan nomor telepon yang valid. Pilih negara Anda, atau tulis dengan + dan kode negara.
error-invalid_code =
    { $attemptsLeft ->
        [0] Kode ini salah.
       *[other] Kode ini salah. Sisa { $attemptsLeft } kali percobaan.
    }
error-code_expired = Kode ini sudah kedaluwarsa. Mulai lagi untuk mendapatkan kode baru.
error-code_used = Kode ini sudah dipakai. Mulai lagi untuk mendapatkan kode baru.
error-too_many_attempts = Terlalu banyak kode yang salah. Coba lagi nanti.
error-rate_limited =
    { $retryAfter ->
        [0] Terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.
       *[other] Terlalu banyak permintaan. Coba lagi dalam { $retryAfter } dtk.
    }
error-unknown_request = Permintaan masuk ini tidak dikenal atau sudah berakhir. Mulai lagi.
error-captcha_failed = Pemeriksaan captcha gagal. Coba lagi.
error-channel_unavailable = Server ini tidak dapat mengirim pesan dengan cara itu. Pilih cara lain.
error-keychain_unavailable = Keychain sistem terkunci atau tidak tersedia. Buka kuncinya (atau pasang gnome-keyring) lalu coba lagi.
