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

## Layar lainnya (ui/index.html)

app-nav =
    .aria-label = Aplikasi
dev-inbox = Kotak masuk uji
update-install = Pasang dan mulai ulang
whatsapp-lead = Pindai kode ini dengan kamera ponsel Anda: WhatsApp terbuka dengan pesan untuk { -brand } yang sudah siap. Kirim tanpa mengubahnya, dan { -brand } akan membalas dengan tautan masuk Anda.
whatsapp-qr =
    .aria-label = Kode QR pesan WhatsApp yang harus dikirim
whatsapp-status = Menunggu pesan Anda…
whatsapp-sender-yes = Ya, itu nomor saya
whatsapp-sender-no = Bukan, itu bukan nomor saya
keys-title = Membuat kunci enkripsi Anda
keys-lead = { -brand } sedang membuat kunci di perangkat ini yang hanya Anda miliki. Kunci ini melindungi apa yang Anda bagikan dengan tim perawatan Anda. Ini memerlukan sedikit waktu.
keys-progress =
    .aria-valuetext = Memulai
keys-step = Memulai…
backup-title = Lindungi kunci Anda dengan kata sandi cadangan
backup-lead = Jika perangkat ini hilang atau diganti, kata sandi ini mengembalikan kunci Anda di perangkat baru. Server hanya menyimpan kunci Anda dalam keadaan tersegel dengan kata sandi ini: server tidak pernah melihat kata sandinya, dan tidak ada yang bisa mengatur ulang kata sandi itu untuk Anda. Server juga hanya mengizinkan kata sandi ini dicoba 10 kali berturut-turut: setelah itu cadangan kata sandi dikunci, dan kunci pemulihan Anda atau perangkat Anda yang lain yang akan mengembalikan kunci Anda.
backup-password-label = Kata sandi cadangan
backup-meter =
    .aria-label = Kekuatan kata sandi
backup-strength = Gunakan empat kata atau lebih yang tidak saling berhubungan, atau kalimat panjang yang hanya terpikir oleh Anda.
same-password-label = Kata sandi yang sama sekali lagi
backup-progress =
    .aria-label = Menyegel kunci Anda
backup-submit = Simpan cadangan
backup-skip = Lewati dulu
backup-skip-warning-text = Tanpa cadangan, kehilangan atau mengganti perangkat ini berarti kehilangan kunci Anda: apa yang telah Anda bagikan tidak akan bisa Anda baca sampai seseorang yang menerimanya membagikannya lagi kepada Anda. Anda bisa mengatur kata sandi cadangan nanti dari layar beranda.
backup-skip-confirm = Tetap lewati
backup-skip-cancel = Atur kata sandi
recovery-title = Kunci pemulihan Anda
recovery-lead = Jika Anda lupa kata sandi cadangan, kunci ini memulihkan kunci enkripsi Anda sebagai gantinya. Tulis atau cetak kunci ini, dan simpan di tempat yang aman dan pribadi. Kunci ini hanya ditampilkan sekali ini.
recovery-qr =
    .aria-label = Kode QR kunci pemulihan Anda
continue = Lanjutkan
not-now = Nanti saja
restore-title = Bawa kunci Anda ke perangkat ini
restore-lead = Perangkat ini belum memiliki kunci enkripsi Anda. Pulihkan kunci itu untuk membaca apa yang telah Anda dan tim perawatan Anda bagikan.
restore-with = Pulihkan dengan
restore-recovery-label = Kunci pemulihan
restore-recovery-hint = 52 huruf dan angka; tanda hubung, spasi, dan huruf besar-kecil tidak berpengaruh.
restore-transfer-label = Kode dari perangkat Anda yang lain
restore-transfer-hint = Di perangkat yang memiliki kunci Anda, buka { -brand } dan pilih “Kirim kunci ke perangkat baru”. Salin kode yang muncul dan tempel di sini (di ponsel, pindai kode QR-nya). Kode ini hanya berlaku sekali, selama lima menit.
restore-file-label = Berkas cadangan (.carekey)
restore-new-warning = Kunci baru memungkinkan Anda membagikan data baru dari perangkat ini. Semua yang dienkripsi untuk kunci lama Anda tetap tidak bisa Anda baca sampai seseorang yang menerimanya membagikannya lagi; jika Anda masih punya perangkat dengan kunci lama, gunakan perangkat itu.
restore-progress =
    .aria-label = Membuka cadangan Anda
restore-submit = Pulihkan kunci saya
restore-later = Nanti
whatsapp-link-label = Tautan untuk ponsel:
recovery-saved = Saya sudah menyimpan kunci pemulihan saya di tempat yang aman
restore-new-understood = Saya mengerti
restore-how-password = Kata sandi cadangan saya
restore-how-recovery = Kunci pemulihan saya
restore-how-transfer = Perangkat saya yang lain, yang memiliki kunci
restore-how-file = Berkas cadangan
restore-how-new = Tidak satu pun: buat kunci baru
home-title = Halo
home-offline = Luring: { -brand } tidak dapat menjangkau server saat ini, jadi yang Anda lihat adalah yang terakhir diketahui perangkat ini. Aplikasi akan mencoba lagi sendiri; tidak ada yang hilang sementara itu.
home-guest-text = Anda menggunakan { -brand } sebagai tamu. Catatan dan preferensi Anda disimpan; saat Anda membuat akun atau masuk di perangkat ini, semuanya ikut pindah.
home-name-label = Nama
change = Ubah
home-role-label = Masuk sebagai
home-contact-label = Kontak
home-phone-label = Nomor ponsel untuk masuk lewat SMS
phone-open = Tambahkan nomor ponsel
home-id-label = ID { -brand } Anda
home-id-copy = Salin
home-clinician-label = ID { -brand } tenaga kesehatan Anda
clinician-stop = Berhenti berbagi
home-fingerprint-label = Kunci enkripsi di perangkat ini
invitation-accept = Terima undangan
clinician-title = Pilih tenaga kesehatan Anda
clinician-form-hint = Mintalah ID { -brand } kepada tenaga kesehatan Anda. Mereka tidak melihat apa pun milik Anda sampai mereka menerima Anda; setelah itu perangkat ini membagikan catatan Anda kepada mereka, termasuk yang lebih lama. Tenaga kesehatan Anda sebelumnya tetap memegang apa yang dulu Anda bagikan, dan tidak menerima apa pun yang baru.
save = Simpan
cancel = Batal
name-title = Ubah nama Anda
phone-title = Masuk juga lewat SMS
email-title = Masuk dengan alamat email lain
email-new-label = Alamat email baru
email-change-hint = Kami mengirim kode ke alamat baru. Alamat Anda saat ini diberi tahu tentang perubahan ini, dengan tautan untuk membatalkannya jika itu bukan Anda.
home-no-key-text = Perangkat ini belum memiliki kunci enkripsi untuk akun Anda.
home-restore = Pulihkan atau buat kunci
home-backup-title = Cadangan kunci
home-backup-change = Atur kata sandi cadangan
home-recovery-new = Kunci pemulihan baru
home-transfer = Kirim kunci ke perangkat baru
home-export = Ekspor berkas cadangan
transfer-qr =
    .aria-label = Kode QR dari kode pemindahan
transfer-copy = Salin kode
done = Selesai
export-lead = Berkas ini berisi kunci Anda yang disegel dengan kata sandi yang Anda ketik di sini. Simpan di luar perangkat ini (flashdisk USB, komputer lain).
export-password-label = Kata sandi untuk berkas
export-submit = Simpan berkas
account-keys-title = Kunci akun ini
account-keys-hint = Satu kunci untuk setiap perangkat tempat Anda membuatnya. Jika Anda tidak mengenali sebuah kunci, atau sebuah perangkat hilang, cabut kuncinya: tidak ada lagi yang dienkripsi untuk kunci itu, dan perangkat tenaga kesehatan Anda serta perangkat Anda berhenti menggunakannya.
account-sessions-title = Tempat Anda masuk
account-sessions-hint = Setiap perangkat yang masuk ke akun Anda, dengan nama yang diberikannya sendiri. Jika Anda tidak mengenali salah satunya, atau sebuah perangkat hilang, keluarkan perangkat itu: perangkat itu lalu memerlukan kode baru untuk masuk lagi.
sessions-end-others = Keluarkan semua perangkat lain
activity-title = Aktivitas kunci
account-export-title = Unduh semua isi akun Anda
account-export-hint = Profil Anda, tempat Anda masuk, aktivitas kunci Anda, dan setiap catatan yang Anda tulis, dibuka di perangkat ini: sebuah halaman untuk dibaca atau dicetak, dan isi yang sama sebagai berkas JSON untuk program lain. Anda memilih tempat halaman itu disimpan; berkas JSON disimpan di sebelahnya dengan nama yang sama.
account-export-button = Unduh data saya
account-delete-title = Hapus akun Anda
account-delete-hint = Ini menghapus akun Anda dari server { -brand } untuk selamanya: nama dan kontak Anda, kunci dan cadangan Anda, serta setiap catatan yang Anda tulis, beserta salinan yang bisa dibaca tenaga kesehatan Anda. Perangkat ini melupakan login dan kunci Anda. Tidak ada yang dapat mengembalikannya.
account-delete-button = Hapus akun saya
patients-title = Pasien Anda
patients-hint = Pasien yang menunjuk Anda menunggu di sini sampai Anda menerimanya: sampai saat itu tidak ada apa pun miliknya yang dibagikan kepada Anda, dan ia tidak menerima apa pun dari Anda. Nama dan kontak adalah yang ia ketik sendiri: pastikan Anda mengenalnya sebelum menerima.
patients-empty = Belum ada pasien yang menunjuk Anda. Undang mereka di bawah, atau berikan ID { -brand } Anda di atas.
invite-title = Undang pasien
invite-hint = Undangan membuka { -brand } dengan Anda sudah terpilih, dan siapa pun yang mendaftar melaluinya langsung menjadi pasien Anda, tanpa jawaban Anda: tunjukkan hanya kepada pasien yang Anda maksud. Kodenya berlaku untuk jumlah pasien dan waktu yang Anda pilih, dan Anda dapat menariknya kembali.
invite-uses-label = Jumlah pasien
invite-minutes-label = Berlaku selama
invite-submit = Buat undangan
invite-shown-text = Minta pasien Anda memindai kode ini dengan ponselnya, atau kirimkan tautannya.
invite-qr =
    .aria-label = Kode QR undangan
invite-copy = Salin tautan
invite-copy-app = Salin tautan aplikasi
invite-withdraw = Tarik kembali
invitations-title = Undangan yang masih berlaku
notes-title = Catatan
note-label = Catatan baru
note-hint = Dienkripsi di perangkat ini untuk Anda dan tenaga kesehatan Anda. Server menyimpannya dalam bentuk yang tidak bisa dibaca.
note-submit = Simpan catatan
notes-empty = Belum ada catatan.
preferences-title = Preferensi
pref-theme-label = Tampilan
theme-system = Ikuti sistem
theme-light = Terang
theme-dark = Gelap
preferences-hint = Disimpan bersama akun Anda: perangkat Anda yang lain juga menggunakannya.
log-out = Keluar
inbox-hint = Server bawaan tidak mengirim pesan: pesan masuk ke sini, seperti yang akan tiba di ponsel atau kotak surat tujuannya.
inbox-empty = Belum ada pesan.
settings-title = Server
server-url-label = Server { -brand } mandiri
settings-save = Gunakan server ini
settings-embedded = Gunakan server bawaan
about-title = Tentang { -brand }
about-hint = Jika terjadi masalah, salin diagnostik dan tempelkan dalam pesan Anda ke bagian dukungan. Isinya versi aplikasi, sistem Anda, alamat server, kesalahan terakhir, dan lokasi berkas log; tidak pernah kode, sesi, atau detail kontak Anda.
diagnostics-copy = Salin diagnostik
licences-open = Lisensi
diagnostics-label = Diagnostik
licences-title = Lisensi
licences-hint = { -brand } adalah perangkat lunak bebas di bawah GNU Affero General Public License, versi 3. Aplikasi ini dibangun dengan perangkat lunak sumber terbuka di bawah ini, masing-masing dengan lisensinya sendiri.
proof-title = Pastikan ini Anda
proof-sent-to = Mengirim kode ke email atau telepon akun Anda sendiri…
proof-submit = Konfirmasi

## Perawatan: pasien dan tenaga kesehatannya

care-status-none = Tidak ada: catatan Anda hanya milik Anda.
care-status-pending = (menunggu diterima)
care-status-accepted = (telah menerima Anda)
care-status-declined = (menolak)
care-pending = Tenaga kesehatan Anda belum menerima Anda. Sampai saat itu, catatan Anda disimpan hanya untuk Anda; setelah diterima, { -brand } membagikannya kepada tenaga kesehatan Anda.
care-declined = Tenaga kesehatan Anda menolak untuk memantau Anda di { -brand }. Catatan Anda disimpan hanya untuk Anda. Jika ini keliru, mintalah mereka menerima Anda.
care-accepted-shared = Tenaga kesehatan Anda telah menerima Anda: { $count } catatan sebelumnya kini dibagikan kepada mereka.
care-not-accepted = Tenaga kesehatan Anda belum menerima Anda: catatan Anda disimpan hanya untuk Anda.
clinician-id-needed = Ketik ID { -brand } tenaga kesehatan Anda.
clinician-changed = Tenaga kesehatan Anda telah diganti. Mereka akan melihat catatan Anda setelah menerima Anda.
clinician-stop-confirm = Berhenti membagikan catatan baru kepada tenaga kesehatan saya
clinician-stopped = Anda tidak lagi berbagi dengan tenaga kesehatan. Apa yang Anda tulis mulai sekarang hanya milik Anda.

## Pasien seorang tenaga kesehatan

patient-pending = Menunggu jawaban Anda
patient-accepted = Diterima
patient-declined = Ditolak
patient-facts =
    { $contact ->
        [none] tidak ada kontak
       *[other] { $contact }
    } · menunjuk Anda pada { $named } · { $notes ->
        [0] belum ada catatan dibagikan
       *[other] { $notes } catatan dibagikan
    }
patient-new-key = { $patient } membuat kunci baru dan tidak bisa membuka { $count } catatannya. Perangkat Anda dapat mengembalikannya.
patient-give-back = Kembalikan catatan
patient-accept = Terima
patient-decline = Tolak
patient-stop-following = Berhenti memantau
patient-given-back = { $patient } dapat membuka { $count } catatan lagi.
patient-accepted-now = { $patient } kini pasien Anda: catatannya akan dibagikan kepada Anda.
patient-declined-now = { $patient }: tidak ada lagi yang baru yang akan dibagikan kepada Anda.

## Mengubah nomor ponsel atau alamat email akun

verify = Verifikasi
send-new-code = Kirim kode baru.
phone-verified = Nomor ponsel Anda sudah terverifikasi: kini Anda bisa masuk lewat SMS.
email-changed = Alamat email Anda telah diubah: mulai sekarang masuklah dengan alamat ini. Alamat Anda sebelumnya telah diberi tahu, kalau-kalau itu bukan Anda.

## Tempat akun sedang masuk

session-facts =
    Masuk { $created } · terakhir terlihat { $seen }{ $place ->
        [none] {""}
       *[other] {" "}· masuk di dekat { $place }
    }{ $here ->
        [yes] {" "}· perangkat ini
       *[no] {""}
    }
session-end-confirm = Keluarkan { $device }
session-ended = Perangkat itu telah dikeluarkan. Perangkat itu memerlukan kode baru untuk masuk lagi.
sessions-end-others-confirm = Keluarkan semua perangkat lain sekarang
sessions-ended = { $count } perangkat lain telah dikeluarkan.

## Beranda

home-title-guest = Halo, tamu
home-title-named = Halo, { $person }
home-carried = Apa yang Anda lakukan sebagai tamu kini ada di akun Anda: { $count } catatan dan preferensi Anda.
role-is-clinician = Tenaga kesehatan
role-is-patient = Pasien
home-id-label-clinician = ID { -brand } Anda (berikan kepada pasien Anda)
none = Tidak ada
clinician-choose = Pilih tenaga kesehatan
phone-not-verified = { $phone } (belum diverifikasi)
phone-verify = Verifikasi
email-add = Tambahkan alamat email
notes-title-clinician = Catatan, milik Anda dan pasien Anda
note-hint-clinician = Dienkripsi di perangkat ini hanya untuk Anda. Catatan pasien yang dibagikan kepada Anda tercantum di bawah.
note-hint-alone = Dienkripsi di perangkat ini hanya untuk Anda. Server menyimpannya dalam bentuk yang tidak bisa dibaca.
note-hint-until-accepted = Dienkripsi di perangkat ini hanya untuk Anda sampai tenaga kesehatan Anda menerima Anda; setelah itu mereka juga bisa membacanya. Server menyimpannya dalam bentuk yang tidak bisa dibaca.
backup-status =
    { $password ->
        [none] Belum ada kata sandi cadangan: jika perangkat ini hilang, kunci Anda juga hilang.
       *[other] Cadangan dengan kata sandi disimpan { $password }.
    } { $recovery ->
        [none] Belum ada kunci pemulihan.
       *[other] Kunci pemulihan dibuat { $recovery }.
    }
home-backup-change-again = Ubah kata sandi cadangan
notes-need-key = Pulihkan kunci Anda di perangkat ini untuk membaca catatan Anda.
activity-item =
    { $at }: { $action ->
        [backup_stored-password] cadangan kata sandi disimpan
        [backup_stored-recovery] cadangan kunci pemulihan disimpan
        [backup_fetched-password] cadangan kata sandi diunduh
        [backup_fetched-recovery] cadangan kunci pemulihan diunduh
        [transfer_offered] kunci ditawarkan ke perangkat baru
        [transfer_taken] kunci diambil oleh perangkat baru
        [key_registered] kunci baru didaftarkan
        [key_revoked] kunci dicabut
        [password_tried] kata sandi cadangan dicoba
        [password_confirmed] kata sandi cadangan dikonfirmasi
        [password_locked] cadangan kata sandi dikunci setelah terlalu banyak percobaan
       *[other] { $raw }
    } (dari { $ip })
id-copied = ID { -brand } Anda telah disalin.
id-selected = ID { -brand } Anda sudah dipilih: salin dengan Ctrl+C.
logged-out = Anda telah keluar.

## Undangan

invitation-facts = Undangan ini masih menerima { $count } pasien lagi, sampai { $until }.
invitation-listed = Dibuat pukul { $made }. Undangan ini masih menerima { $count } pasien lagi, sampai { $until }.
invitation-ready = Undangan Anda sudah siap: minta pasien Anda memindai kodenya, atau kirimkan tautannya.
invitation-copied = Tautan undangan telah disalin.
invitation-selected = Tautan undangan sudah dipilih: salin dengan Ctrl+C.
invitation-withdrawn = Undangan telah ditarik kembali: tidak ada lagi yang bisa bergabung dengan Anda melaluinya.
invited-register = { $clinician } mengundang Anda. Isi data Anda untuk membuat akun.
invited-follows = { $clinician } mengundang Anda: mereka akan memantau Anda begitu akun Anda dibuat.
invitation-for-you = { $clinician } mengundang Anda untuk membagikan catatan Anda kepada mereka. Jika Anda menerima, mereka menjadi tenaga kesehatan Anda mulai sekarang dan melihat catatan Anda, termasuk yang lebih lama.
invitation-for-patients = Undangan dari { $clinician } ini untuk pasien; Anda masuk sebagai tenaga kesehatan.
invitation-accepted = { $clinician } kini tenaga kesehatan Anda.
invitation-set-aside = Undangan disisihkan.
invite-patients = { $count } pasien
invite-minutes-option = { $count } menit
invite-hours-option = { $count } jam
invite-days-option = { $count } hari

## Kunci perangkat, kata sandi cadangan, dan kunci pemulihan

key-step-primes = Mencari dua bilangan prima besar ({ $seconds } dtk)…
key-step-storing = Menyimpan kunci pribadi di gantungan kunci komputer ini…
key-step-registering = Mengirim kunci publik Anda ke server…
key-step-done = Kunci Anda sudah siap.
key-not-registered = Kunci Anda belum terdaftar: pastikan ini Anda untuk menyelesaikannya.
key-ready = Kunci enkripsi Anda sudah siap.
backup-step-fetching = Mengambil cadangan Anda…
backup-step-deriving = Memproses kata sandi Anda (sengaja dibuat lambat): { $seconds } dtk
backup-step-storing = Menyimpan…
backup-step-done = Selesai.
backup-title-change = Ubah kata sandi cadangan Anda
strength-said =
    { $score ->
        [0] Sangat lemah
        [1] Lemah
        [2] Cukup
        [3] Hampir cukup kuat
       *[4] Sangat kuat
    }{ $acceptable ->
        [yes] {""}
       *[no] : terlalu mudah ditebak.
    } { $advice }
backup-saved = Cadangan Anda telah disimpan.
recovery-set = Kunci pemulihan Anda sudah diatur.
key-facts =
    Dibuat { $made }{ $revoked ->
        [none] { $here ->
            [yes] {" "}· perangkat ini
           *[no] {""}
        }
       *[other] {" "}· dicabut { $revoked }
    }
key-revoke = Cabut
key-revoke-confirm = Cabut kunci ini untuk selamanya
key-revoked = Kunci telah dicabut: tidak ada lagi yang dienkripsi untuknya.

## Saran zxcvbn tentang kata sandi cadangan

strength-StraightRowsOfKeysAreEasyToGuess = Deretan tombol yang lurus mudah ditebak.
strength-ShortKeyboardPatternsAreEasyToGuess = Pola keyboard yang pendek mudah ditebak.
strength-RepeatsLikeAaaAreEasyToGuess = Pengulangan seperti “aaa” mudah ditebak.
strength-RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess = Pengulangan seperti “abcabcabc” hanya sedikit lebih sulit ditebak daripada “abc”.
strength-ThisIsATop10Password = Ini salah satu dari 10 kata sandi paling umum.
strength-ThisIsATop100Password = Ini salah satu dari 100 kata sandi paling umum.
strength-ThisIsACommonPassword = Ini kata sandi yang sangat umum.
strength-ThisIsSimilarToACommonlyUsedPassword = Ini mirip dengan kata sandi yang sering dipakai.
strength-SequencesLikeAbcAreEasyToGuess = Urutan seperti abc atau 6543 mudah ditebak.
strength-RecentYearsAreEasyToGuess = Tahun-tahun terakhir mudah ditebak.
strength-AWordByItselfIsEasyToGuess = Satu kata saja mudah ditebak.
strength-DatesAreOftenEasyToGuess = Tanggal sering kali mudah ditebak.
strength-NamesAndSurnamesByThemselvesAreEasyToGuess = Nama depan dan nama keluarga saja mudah ditebak.
strength-CommonNamesAndSurnamesAreEasyToGuess = Nama depan dan nama keluarga yang umum mudah ditebak.
strength-UseAFewWordsAvoidCommonPhrases = Gunakan beberapa kata, dan hindari ungkapan yang umum.
strength-NoNeedForSymbolsDigitsOrUppercaseLetters = Tidak perlu simbol, angka, atau huruf besar.
strength-AddAnotherWordOrTwo = Tambahkan satu atau dua kata lagi. Kata yang jarang dipakai lebih baik.
strength-CapitalizationDoesntHelpVeryMuch = Huruf besar tidak banyak membantu.
strength-AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase = Semua huruf besar hampir sama mudahnya ditebak dengan semua huruf kecil.
strength-ReversedWordsArentMuchHarderToGuess = Kata yang ditulis terbalik tidak jauh lebih sulit ditebak.
strength-PredictableSubstitutionsDontHelpVeryMuch = Penggantian yang mudah diduga, seperti @ untuk a, tidak banyak membantu.
strength-UseALongerKeyboardPatternWithMoreTurns = Gunakan pola keyboard yang lebih panjang dengan lebih banyak belokan.
strength-AvoidRepeatedWordsAndCharacters = Hindari kata dan karakter yang diulang.
strength-AvoidSequences = Hindari urutan.
strength-AvoidRecentYears = Hindari tahun-tahun terakhir.
strength-AvoidYearsThatAreAssociatedWithYou = Hindari tahun yang berkaitan dengan Anda.
strength-AvoidDatesAndYearsThatAreAssociatedWithYou = Hindari tanggal dan tahun yang berkaitan dengan Anda.

## Catatan

notes-group =
    { $author ->
        [you] Anda
       *[other] { $author }
    } · { $count } catatan
note-author =
    { $author ->
        [you] Anda
       *[other] Dari { $author }
    }
note-unreadable = Dienkripsi untuk kunci yang tidak dimiliki perangkat ini.
note-empty = Tulis sesuatu dulu.
note-saved = Catatan Anda telah disimpan, terenkripsi.

## Akun: nama, penghapusan, unduhan

name-changed = Nama Anda kini { $person }.
account-delete-confirm = Hapus akun saya dan semua catatan saya untuk selamanya
account-deleted = Akun Anda telah dihapus, beserta kunci, cadangan, dan catatan Anda. Perangkat ini tidak lagi menyimpan apa pun darinya.
export-nothing-saved = Tidak ada yang disimpan.
export-saved =
    { $count } catatan dan data lainnya disimpan: { $html } (untuk dibaca) dan { $json }.{ $opened ->
        [no] {" "}Perangkat ini tidak memiliki kunci untuk akun Anda, jadi catatan tercantum tanpa isinya.
       *[yes] {""}
    }
export-saved-announce = Data Anda telah disimpan di tempat yang Anda pilih.

## Memastikan bahwa ini pemilik akun

proof-sent = Demi keamanan akun Anda, pastikan dulu bahwa ini Anda: kami mengirim kode { $length } digit ke { $login }.
proof-new-code = Ini kode baru.

## Memulihkan kunci

restore-make-new = Buat kunci baru
file-unreadable = Berkas tidak dapat dibaca.
restore-new-tick = Centang “Saya mengerti” dulu: kunci baru tidak dapat membaca apa yang dienkripsi untuk kunci lama.
restore-tries = { $tries ->
        [0] Terlalu banyak kata sandi yang salah: cadangan kata sandi dikunci. Pulihkan dengan kunci pemulihan Anda, atau dari perangkat Anda yang lain.
       *[other] Server masih mengizinkan { $tries } percobaan lagi dengan kata sandi ini. Setelah itu cadangan kata sandi dikunci, dan hanya kunci pemulihan Anda atau perangkat Anda yang lain yang dapat mengembalikan kunci Anda.
    }
restore-choose-file = Pilih berkas cadangan dulu.
restore-done = Kunci Anda telah dipulihkan di perangkat ini.

## Pengaturan, tentang, pembaruan

appearance-saved = Tampilan disimpan.
server-embedded = Menggunakan server bawaan di { $url }.
server-environment = Menggunakan { $url }, diatur oleh CAREKEY_SERVER_URL.
server-chosen = Menggunakan { $url }.
server-locked = Hapus CAREKEY_SERVER_URL untuk memilih server di sini.
about-version = Versi { $version }.
diagnostics-copied = Tersalin. Tempelkan ke pesan Anda untuk bagian dukungan.
diagnostics-not-copied = Papan klip tidak dapat dijangkau: pilih teks di bawah dan salin.
licences-frame = Lisensi perangkat lunak di dalam { -brand }
update-ready-app = { -brand } { $version } siap dipasang. { -brand } akan dimulai ulang untuk memasangnya; tidak ada yang Anda simpan yang hilang.
update-ready-system = { -brand } { $version } siap dipasang. Pembaru perangkat lunak sistem Anda akan menawarkannya, atau jalankan: sudo apt install --only-upgrade carekey
update-installed = { -brand } { $version } sudah terpasang. Tutup dan buka lagi { -brand } untuk menggunakannya.
update-downloading = Mengunduh dan memeriksa pembaruan…

## Memulai dan tautan

server-lost = { -brand } tidak dapat menjangkau server saat ini. Aplikasi terus mencoba.
server-back = { -brand } terhubung lagi ke server.
link-unusable = Tautan ini tidak dapat digunakan.
link-logged-in = Anda masuk dengan tautan dari pesan Anda.

## Mengirim kunci ke perangkat baru, dan berkas cadangan

transfer-expired = Kode pemindahan sudah kedaluwarsa. Buat yang baru jika Anda masih memerlukannya.
transfer-intro = Di perangkat baru Anda, masuk, pilih “Perangkat saya yang lain, yang memiliki kunci”, lalu tempel kode ini (atau pindai). Kode ini hanya berlaku sekali, selama { $left } lagi.
transfer-copied = Kode pemindahan telah disalin.
transfer-selected = Kode pemindahan sudah dipilih: salin dengan Ctrl+C.
export-saved-to = Disimpan ke { $path }
export-file-saved = Berkas cadangan Anda disimpan ke { $path }.

## Masuk dengan WhatsApp

whatsapp-send-to = Atau kirim pesan ini ke { $number } di WhatsApp:
whatsapp-expiry = Pesan ini berlaku sampai { $until }.
whatsapp-too-late = Pesan tidak terkirim tepat waktu. Kembali dan mulai lagi.
whatsapp-sender = Pesan Anda datang dari nomor WhatsApp { $number }. Apakah itu nomor Anda?
whatsapp-sender-announce = Pesan diterima dari { $number }. Pastikan itu nomor Anda.
whatsapp-replied = Kami sudah membalas di WhatsApp ({ $number }). Ketuk tautan di sana, atau ketik kode { $length } digit di sini. Kode berlaku sampai { $until }.
whatsapp-not-yours = Pesan itu datang dari nomor yang bukan milik Anda, jadi tidak ada yang masuk. Mulai lagi, dan kirim pesan dari WhatsApp Anda sendiri.

## Kotak masuk uji

inbox-to =
    { $channel ->
        [sms] SMS ke { $to }
       *[email] Email ke { $to }
    }
backup-skipped = Belum ada cadangan. Anda dapat mengaturnya dari layar beranda.

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
error-verifier_mismatch = Login ini dimulai di perangkat lain. Mulai lagi di perangkat ini.
error-invalid_clinician = Ini bukan ID { -brand } milik tenaga kesehatan yang terdaftar. Periksa kembali dengan tenaga kesehatan Anda.
error-invalid_token = Sesi Anda telah berakhir. Silakan masuk lagi.
error-token_reused = Sesi Anda dipakai dari dua tempat sekaligus, jadi sesi itu diakhiri untuk melindungi akun Anda. Silakan masuk lagi.
error-session_revoked = Anda telah dikeluarkan, dari perangkat Anda yang lain atau karena perubahan login Anda dilaporkan bukan dari Anda. Silakan masuk lagi.
error-session_ended = Sesi Anda telah berakhir. Silakan masuk lagi.
error-contact_taken = Alamat email atau nomor telepon ini sudah dipakai untuk masuk ke akun lain.
error-not_found = Ini sudah tidak ada. Mungkin sudah dihapus di perangkat lain.
error-invalid_link = Tautan ini rusak atau bukan dari { -brand }. Gunakan tautan lengkap dari pesan, atau minta kode baru.
error-approval_pending = Login ini belum disetujui.
error-whatsapp_pending = Pesan WhatsApp belum tiba.
error-no_backup = Akun Anda tidak memiliki cadangan jenis itu.
error-version_conflict = Cadangan Anda diubah di perangkat lain. Coba lagi.
error-unknown_transfer = Kode pemindahan ini tidak dikenal atau sudah dipakai. Buat yang baru di perangkat yang memiliki kunci Anda.
error-transfer_expired = Kode pemindahan ini menunggu terlalu lama dan sudah dihapus. Buat yang baru di perangkat yang memiliki kunci Anda.
error-invalid_invitation = Tautan undangan ini tidak berfungsi. Periksa apakah seluruh tautan sudah tersalin, atau ketik ID { -brand } tenaga kesehatan Anda.
error-invitation_ended = Undangan ini sudah kedaluwarsa, sudah dipakai, atau sudah ditarik kembali. Minta undangan baru kepada tenaga kesehatan Anda, atau ketik ID { -brand } mereka.
error-unavailable = Server tidak dapat menjawab saat ini. Coba lagi sebentar lagi.
error-request_timeout = Permintaan memakan waktu terlalu lama. Coba lagi.
error-fresh_proof_required = Untuk melakukan perubahan ini, pastikan dulu bahwa ini Anda dengan kode yang dikirim ke email atau telepon akun Anda.
error-quota_exceeded = Akun Anda telah mencapai batas penyimpanan. Hapus sesuatu terlebih dahulu.
error-account_disabled = Akun ini telah dinonaktifkan oleh pengelola server { -brand } ini. Tanyakan kepada klinik Anda.
error-internal_error = Terjadi masalah di server. Silakan coba lagi.
error-unreachable = Server { -brand } tidak dapat dijangkau. Periksa koneksi dan coba lagi.
error-bad_answer = Jawaban server tidak dapat dipahami. Coba lagi nanti.
error-no_pending_login = Tidak ada login yang sedang berlangsung. Mulai lagi.
error-not_logged_in = Anda belum masuk.
error-crypto_failed = Kunci enkripsi tidak dapat dibuat atau dibaca. Coba lagi.
error-storage_failed = { -brand } tidak dapat membaca atau menulis berkas yang diperlukannya. Periksa folder dan ruang kosong, lalu coba lagi.
error-not_a_backup = Ini bukan cadangan kunci { -brand }.
error-backup_too_new = Cadangan ini dibuat oleh { -brand } versi yang lebih baru. Perbarui aplikasi dulu.
error-wrong_backup_kind = Ini bukan jenis cadangan yang tepat untuk ini.
error-backup_parameters = Perlindungan cadangan ini tidak diterima oleh { -brand }.
error-backup_wrong_owner = Cadangan ini milik akun lain.
error-wrong_secret = Kata sandi atau kuncinya salah, atau cadangan telah diubah.
error-backup_damaged = Cadangan ini rusak.
error-malformed_recovery_key = Kunci pemulihan terdiri dari 52 huruf dan angka (13 kelompok berisi 4). Periksa yang Anda ketik.
error-malformed_transfer_code = Ini bukan kode pemindahan { -brand }. Salin lagi dari perangkat lain.
error-weak_password = Kata sandi ini terlalu mudah ditebak. Gunakan empat kata atau lebih yang tidak saling berhubungan, atau kalimat panjang yang hanya terpikir oleh Anda.
error-no_key = Perangkat ini belum memiliki kunci untuk akun ini.
error-foreign_link = Ini bukan tautan { -brand }.
error-not_a_login_link = Tautan { -brand } ini adalah undangan dari tenaga kesehatan, bukan tautan masuk.
error-link_not_for_this_device = Tautan ini untuk login yang dimulai di perangkat lain, atau yang sudah berakhir. Minta kode baru di perangkat ini.
error-has_key = Perangkat ini sudah memiliki kunci untuk akun ini.
error-captcha_cancelled = Pemeriksaan tidak diselesaikan. Coba lagi.
error-server_unavailable = Server bawaan tidak dapat dimulai. Periksa apakah folder data aplikasi dapat ditulisi.
error-passwords_differ = Kedua kata sandi tidak sama. Ketik ulang keduanya.
error-server_locked = Server diatur oleh CAREKEY_SERVER_URL. Hapus variabel itu untuk mengubahnya di sini.
error-invalid_server_url = Masukkan alamat server, misalnya https://carekey.example.org.
error-invitation_forgotten = Undangan sudah tidak terbuka di { -brand }. Buka lagi tautannya, atau ketik ID { -brand } tenaga kesehatan Anda.
error-no_update = Tidak ada pembaruan untuk dipasang.
error-update_failed = Pembaruan tidak dapat diunduh atau dipasang. Tidak ada yang berubah; { -brand } akan memeriksa lagi nanti.
error-update_by_system = Pembaru perangkat lunak sistem Anda yang memasang pembaruan { -brand }.
error-update_waits = Selesaikan dulu yang sedang Anda lakukan (atau kembali); pembaruan akan tetap siap.
error-name_needed = Masukkan nama depan dan nama belakang.
error-no_server_there = Tidak ada server { -brand } yang menjawab di alamat itu. Periksa alamat dan koneksinya.
error-invalid_request = { -brand } mengirim sesuatu yang tidak dapat diterima server. Periksa apa yang Anda ketik lalu coba lagi; jika terjadi lagi, perbarui { -brand }.
error-invalid_recipient = Siapa yang dapat membaca catatan ini berubah sementara itu (sebuah kunci ditambahkan atau dicabut, atau tenaga kesehatan Anda berganti). Coba lagi.
error-invalid_name = Nama paling banyak 100 karakter, tanpa tab atau baris baru.
error-file_needed = Pilih berkas cadangan dulu.
error-backup_locked = Kata sandi cadangan Anda terlalu sering dicoba, jadi cadangan kata sandi dikunci. Pulihkan dengan kunci pemulihan Anda, atau dari perangkat Anda yang lain; lalu buat cadangan kata sandi baru.
error-backup_key_lost = Server tidak dapat lagi memeriksa kata sandi cadangan Anda (kuncinya hilang). Pulihkan dengan kunci pemulihan Anda, atau dari perangkat Anda yang lain.
error-wrong_backup_password = { $attemptsLeft ->
        [0] Kata sandi ini salah, dan itu percobaan terakhir: cadangan kata sandi sekarang dikunci. Pulihkan dengan kunci pemulihan Anda, atau dari perangkat Anda yang lain.
       *[other] Kata sandi ini salah. Tersisa { $attemptsLeft } percobaan sebelum cadangan kata sandi dikunci.
    }
error-oprf_unverified = Jawaban server atas pemeriksaan kata sandi tidak dapat diverifikasi, jadi tidak ada yang dicoba dengannya. Coba lagi nanti; jika terus terjadi, beri tahu pengelola server { -brand } Anda.
error-contact_needed = Masukkan alamat email atau nomor telepon.
error-note_length = Catatan berisi 1 sampai 4.000 karakter.
error-own_key = Ini kunci milik perangkat ini sendiri. Cabut kunci ini dari perangkat Anda yang lain.
error-patients_remain = { $patients ->
        [0] Masih ada pasien
       *[other] Masih ada { $patients } pasien
    } yang memilih Anda sebagai tenaga kesehatan mereka, jadi akun Anda belum dapat dihapus: mereka akan ditinggalkan tanpa siapa pun. Minta pengelola server { -brand } Anda memindahkan mereka ke tenaga kesehatan lain, atau minta pasien Anda memilih tenaga kesehatan lain di aplikasi terlebih dahulu.
