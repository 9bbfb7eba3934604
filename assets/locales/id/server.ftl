# Server CareKey: pesan yang dikirimnya dan halaman yang ditampilkannya, dalam
# bahasa Indonesia. Pesan, atribut, dan variabelnya sama dengan katalog
# bahasa Inggris. Bahasa Indonesia tidak mengenal bentuk jamak: "menit"
# tetap "menit".

## Bagian bersama

-brand = CareKey
date-time =
    { $day } { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] Mei
        [6] Jun
        [7] Jul
        [8] Agu
        [9] Sep
        [10] Okt
        [11] Nov
       *[12] Des
    } { $year } pukul { $time } UTC

## Kode sekali pakai

code-email =
    Halo,

    Kode { -brand } Anda adalah { $code }

    Atau buka tautan ini di perangkat tempat Anda meminta kode: { $link }

    Kode ini berlaku { $minutes } menit, di perangkat tempat Anda memintanya. Jangan
    pernah membagikannya: tidak seorang pun dari { -brand } atau tim perawatan Anda akan memintanya.

    Jika Anda tidak meminta kode, abaikan email ini.
    .subject = Kode { -brand } Anda: { $code }
code-sms =
    Kode { -brand } Anda adalah { $code }. Berlaku { $minutes } menit. Jangan bagikan kepada siapa pun.
    { $link }

    @{ $host } #{ $code }
code-whatsapp = Kode { -brand } Anda adalah { $code }. Berlaku { $minutes } menit. Jangan bagikan kepada siapa pun.
code-whatsapp-chat =
    Ketuk untuk masuk ke { -brand }:
    { $link }

    Atau ketik kode ini di aplikasi: { $code }
    Berlaku { $minutes } menit. Jangan bagikan kepada siapa pun. Jika Anda tidak meminta untuk masuk, abaikan pesan ini.

## Seseorang meminta kode untuk alamat yang tidak dipakai akun mana pun

no-account-email =
    Halo,

    Seseorang mencoba masuk ke { -brand } dengan alamat ini, tetapi tidak ada akun yang memakainya.
    Jika itu Anda, buka { -brand } dan pilih "Buat akun".

    Jika bukan Anda, abaikan email ini.
    .subject = { -brand }: tidak ada akun yang memakai alamat ini
no-account-sms = Seseorang mencoba masuk ke { -brand } dengan nomor ini, tetapi tidak ada akun yang memakainya. Jika itu Anda, buka { -brand } dan pilih Buat akun.
no-account-whatsapp-chat = Belum ada akun { -brand } yang memakai nomor WhatsApp ini. Untuk membuatnya, buka { -brand }, pilih "Buat akun", lalu "Daftar dengan WhatsApp".

## Jawaban chat WhatsApp untuk pesan yang tidak dapat dipakainya

help-whatsapp-chat = Halo dari { -brand }. Untuk masuk, buka aplikasi { -brand }, pilih "Masuk dengan WhatsApp", lalu kirim pesan yang sudah disiapkan aplikasi tanpa mengubahnya. Pesan itu hanya berlaku beberapa menit; jika sudah kedaluwarsa, mulai lagi dari aplikasi.

# Pesan yang disiapkan aplikasi untuk dikirim ke nomor WhatsApp CareKey,
# sebelum kodenya (kalimat Konsulin).
whatsapp-prepared = Minta masuk, autentikasi saya.

## Pemberitahuan keamanan: { $notice } adalah salah satu kalimat notice- di bawah

notice-email =
    Halo,

    { $notice }

    Jika itu Anda, tidak ada yang perlu dilakukan.
    Jika bukan Anda, buka { -brand }, masuk, periksa kunci dan nomor telepon akun Anda, lalu beri tahu klinik Anda.
    .subject = { -brand }: ada perubahan pada akun Anda
notice-sms = { -brand }: { $notice } Jika bukan Anda, buka { -brand } dan periksa akun Anda.
notice-key-added = Kunci enkripsi baru (sidik jari { $fingerprint }) ditambahkan ke akun Anda. Data yang dibagikan kepada Anda mulai sekarang dapat dibaca dengan kunci itu.
notice-key-revoked = Kunci enkripsi dengan sidik jari { $fingerprint } telah dicabut dari akun Anda.
notice-backup-locked = Kata sandi cadangan Anda dicoba 10 kali berturut-turut tanpa berhasil, jadi cadangan kata sandi Anda dikunci: kata sandi itu tidak dapat dicoba lagi. Kunci pemulihan Anda, atau perangkat Anda yang lain, tetap dapat mengembalikan kunci Anda; setelah itu buat kata sandi cadangan baru.
notice-contact-taken =
    { $kind ->
        [email] Seseorang mencoba menambahkan alamat email ini ke akun { -brand } lain. Alamat itu tidak ditambahkan, dan akun Anda tidak berubah.
       *[phone] Seseorang mencoba menambahkan nomor ini ke akun { -brand } lain. Nomor itu tidak ditambahkan, dan akun Anda tidak berubah.
    }
notice-login-changed =
    { $kind ->
        [email] Alamat email { $address } sekarang menjadi email masuk akun { -brand } Anda.
       *[phone] Nomor telepon { $address } sekarang menjadi nomor masuk akun { -brand } Anda.
    }

## Data masuk berubah: dikirim ke alamat sebelumnya, dengan tautan "ini bukan saya"

changed-email =
    Halo,

    { $notice }

    Jika itu Anda, tidak ada yang perlu dilakukan.

    Jika bukan Anda, buka tautan ini dalam 7 hari. Tautan ini mengeluarkan semua perangkat dari akun Anda dan mengembalikan data masuk Anda sebelumnya, sehingga Anda dapat masuk lagi dan orang lain tidak:
    { $link }

    Lalu masuk, periksa kunci dan perangkat akun Anda, dan beri tahu klinik Anda.
    .subject = { -brand }: data masuk akun Anda berubah
changed-sms = { -brand }: { $notice } Bukan Anda? Buka { $link } untuk mengeluarkan semua perangkat dan mendapatkan kembali akses Anda.

## Akun dihapus oleh pemiliknya

deleted-email =
    Halo,

    Akun { -brand } Anda telah dihapus, beserta kunci, cadangan, dan catatannya, sesuai permintaan dari perangkat yang masuk ke akun itu. Server tidak menyimpan apa pun darinya, dan alamat ini tidak dapat lagi dipakai untuk masuk ke { -brand }.

    Jika Anda tidak memintanya, beri tahu klinik Anda: seseorang memegang perangkat atau sesi Anda.
    .subject = { -brand }: akun Anda telah dihapus
deleted-sms = { -brand }: akun Anda telah dihapus, beserta kunci, cadangan, dan catatannya. Nomor ini tidak dapat lagi dipakai untuk masuk. Bukan Anda? Beri tahu klinik Anda.

## Halaman tautan masuk

landing =
    Membuka halaman ini tidak membuat Anda masuk. Tautan dan kode hanya berfungsi di aplikasi { -brand } pada perangkat tempat Anda memintanya, satu kali, dan hanya selama beberapa menit.
    .title = Masuk ke { -brand }
landing-open = Buka { -brand }
landing-type-code = Atau ketik kode ini di { -brand }:
landing-asked-title = Diminta dari perangkat lain?
landing-asked = Server kami menerima permintaan masuk ini pada { $at }, dari alamat jaringan { $ip }. Perangkat yang meminta menyebut dirinya "{ $device }": nama itu hanya pengakuan perangkat itu sendiri, siapa pun dapat mengetiknya.
landing-asked-number = Jika Anda memintanya dari perangkat lain, perangkat itu menampilkan sebuah angka. Ketik angka itu di sini untuk menyetujui, dan perangkat itu akan masuk. Tidak ada yang masuk di perangkat ini.
landing-number-label = Angka yang ditampilkan perangkat Anda yang lain
landing-approve = Setujui
landing-not-asked = Jika Anda tidak memintanya, atau tidak ada perangkat Anda yang menampilkan angka, jangan lakukan apa pun: permintaan ini berakhir dengan sendirinya. Tidak seorang pun dari { -brand } atau klinik Anda akan meminta angka atau kode ini.
landing-ended = Tautan ini sudah dipakai, diganti kode yang lebih baru, atau sudah kedaluwarsa. Buka { -brand } dan minta kode baru.
    .title = Tautan ini tidak berlaku lagi
landing-malformed = Periksa apakah seluruh tautan sudah tersalin, atau buka { -brand } dan minta kode baru.
    .title = Ini bukan tautan { -brand }
approval-refused = Itu bukan angka yang ditampilkan perangkat yang meminta, jadi tidak ada yang disetujui.
    .title = Tidak disetujui
approval-refused-hint = Jika Anda tidak memulai proses masuk ini sendiri, mungkin orang lain yang melakukannya: jangan lakukan apa pun, permintaan ini berakhir dengan sendirinya. Jika itu Anda, buka lagi tautannya dan ketik angka yang ditampilkan perangkat Anda yang lain.
approval-done = Perangkat yang meminta sedang masuk sekarang. Anda dapat menutup halaman ini.
    .title = Disetujui
approval-done-hint = Tidak ada yang masuk di perangkat ini.

## Halaman tautan "ini bukan saya"

not-me = Seseorang mengubah cara masuk ke akun { -brand } Anda. Jika bukan Anda, tekan tombol di bawah. Semua perangkat yang masuk ke akun Anda langsung dikeluarkan, dan data masuk Anda sebelumnya dikembalikan, sehingga Anda dapat masuk lagi dan orang itu tidak.
    .title = Bukan Anda yang melakukan perubahan ini?
not-me-button = Ini bukan saya: amankan akun saya
not-me-hint = Jika Anda sendiri yang melakukan perubahan, tutup halaman ini: tidak akan terjadi apa-apa.
not-me-done = Semua perangkat yang masuk ke akun Anda telah dikeluarkan.
    .title = Akun Anda sudah aman
not-me-restored =
    { $kind ->
        [email] Alamat email masuk Anda sebelumnya kembali menjadi data masuk akun: masuklah dengannya di { -brand }.
       *[phone] Nomor telepon masuk Anda sebelumnya kembali menjadi data masuk akun: masuklah dengannya di { -brand }.
    }
not-me-not-restored =
    { $kind ->
        [email] Alamat email masuk tidak dapat dikembalikan (alamat itu berubah lagi, atau kini dipakai akun lain): minta klinik Anda membantu mendapatkan kembali akun Anda.
       *[phone] Nomor telepon masuk tidak dapat dikembalikan (nomor itu berubah lagi, atau kini dipakai akun lain): minta klinik Anda membantu mendapatkan kembali akun Anda.
    }
not-me-done-hint = Lalu periksa perangkat dan kunci akun Anda di { -brand }, dan ceritakan kepada klinik Anda apa yang terjadi.
not-me-ended = Tautan ini sudah dipakai, atau umurnya lebih dari 7 hari. Jika orang lain mengubah data masuk { -brand } Anda, beri tahu klinik Anda: mereka dapat membantu Anda mendapatkan kembali akun Anda.
    .title = Tautan ini tidak berlaku lagi
not-me-malformed = Periksa apakah seluruh tautan dari pesan sudah tersalin.
    .title = Ini bukan tautan { -brand } yang berlaku

## Halaman undangan

invitation = { $name } mengundang Anda untuk berbagi catatan kesehatan Anda dengannya melalui { -brand }. Daftar di aplikasi melalui undangan ini, dan { $name } langsung mengikuti Anda.
    .title = Anda diundang ke { -brand }
invitation-hint = Undangan ini berlaku sampai { $until }, untuk orang-orang yang diberi oleh { $name }. Tanpa tautan aplikasi, daftar di { -brand } dan ketik ID { -brand } ini sebagai tenaga kesehatan Anda: { $id } ({ $name } lalu menerima Anda).
invitation-ended = Undangan ini sudah kedaluwarsa, sudah dipakai, atau ditarik. Minta undangan baru kepada tenaga kesehatan Anda, atau daftar di { -brand } dan ketik ID { -brand } miliknya.
    .title = Undangan ini tidak berlaku lagi
invitation-malformed = Periksa apakah seluruh tautan sudah tersalin, atau minta undangan baru kepada tenaga kesehatan Anda.
    .title = Ini bukan undangan { -brand } yang berlaku
page-unavailable = Coba lagi sebentar lagi.
    .title = { -brand } tidak dapat menjawab saat ini
