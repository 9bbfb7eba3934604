# Le serveur de CareKey : les messages qu'il envoie et les pages qu'il montre,
# en français. Mêmes messages, attributs et variables que le catalogue anglais.
# Dans les SMS et les avis (les phrases notice-, qui partent aussi par SMS),
# des espaces simples :
# une espace insécable ferait passer le SMS en UCS-2, deux fois plus court.
# Ailleurs, l'espace insécable avant « : » et « ? » et dans les guillemets.

## Éléments communs

-brand = CareKey
date-time =
    { $day } { $month ->
        [1] janv.
        [2] févr.
        [3] mars
        [4] avr.
        [5] mai
        [6] juin
        [7] juil.
        [8] août
        [9] sept.
        [10] oct.
        [11] nov.
       *[12] déc.
    } { $year } à { $time } UTC

## Codes à usage unique

code-email =
    Bonjour,

    Votre code { -brand } est { $code }

    Vous pouvez aussi ouvrir ce lien sur l'appareil où vous avez demandé le code : { $link }

    Il est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }, sur l'appareil où vous l'avez demandé. Ne le
    communiquez jamais : personne de { -brand } ni de votre équipe soignante ne vous le demandera.

    Si vous n'avez pas demandé de code, vous pouvez ignorer cet e-mail.
    .subject = Votre code { -brand } : { $code }
code-sms =
    Votre code { -brand } est { $code }. Il est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Ne le communiquez à personne.
    { $link }

    @{ $host } #{ $code }
code-whatsapp = Votre code { -brand } est { $code }. Il est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Ne le communiquez à personne.
code-whatsapp-chat =
    Touchez ce lien pour vous connecter à { -brand } :
    { $link }

    Ou saisissez ce code dans l'application : { $code }
    Il est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. Ne le communiquez à personne. Si vous n'avez pas demandé à vous connecter, ignorez ce message.

## Un code demandé pour une adresse qu'aucun compte n'utilise

no-account-email =
    Bonjour,

    Quelqu'un a demandé à se connecter à { -brand } avec cette adresse, mais aucun compte ne l'utilise.
    Si c'était vous, ouvrez { -brand } et choisissez plutôt « Créer un compte ».

    Si ce n'était pas vous, vous pouvez ignorer cet e-mail.
    .subject = { -brand } : aucun compte n'utilise cette adresse
no-account-sms = Quelqu'un a demandé à se connecter à { -brand } avec ce numéro, mais aucun compte ne l'utilise. Si c'était vous, ouvrez { -brand } et choisissez Créer un compte.
no-account-whatsapp-chat = Aucun compte { -brand } n'utilise encore ce numéro WhatsApp. Pour en créer un, ouvrez { -brand }, choisissez « Créer un compte », puis « S'inscrire avec WhatsApp ».

## La réponse du chat WhatsApp à un message qu'il ne peut pas utiliser

help-whatsapp-chat = Bonjour, ici { -brand }. Pour vous connecter, ouvrez l'application { -brand }, choisissez « Se connecter avec WhatsApp » et envoyez le message qu'elle prépare, sans le modifier. Ce message n'est valable que quelques minutes : s'il a expiré, recommencez dans l'application.

# Le message que l'application prépare pour le numéro WhatsApp de CareKey,
# avant sa référence.
whatsapp-prepared = Demande de connexion, authentifiez-moi.

## Avis de sécurité : { $notice } est l'une des phrases notice- ci-dessous

notice-email =
    Bonjour,

    { $notice }

    Si c'était vous, vous n'avez rien à faire.
    Si ce n'était pas vous, ouvrez { -brand }, connectez-vous, vérifiez les clés et le numéro de téléphone de votre compte, et prévenez votre cabinet ou votre clinique.
    .subject = { -brand } : une modification de votre compte
notice-sms = { -brand } : { $notice } Si ce n'était pas vous, ouvrez { -brand } et vérifiez votre compte.
notice-key-added = Une nouvelle clé de chiffrement (empreinte { $fingerprint }) a été ajoutée à votre compte. Les données partagées avec vous à partir de maintenant seront lisibles avec elle.
notice-key-revoked = La clé de chiffrement d'empreinte { $fingerprint } a été révoquée sur votre compte.
notice-backup-locked = Votre mot de passe de sauvegarde a été essayé 10 fois de suite sans succès : la sauvegarde par mot de passe est verrouillée et ne peut plus être essayée. Votre clé de secours, ou un autre de vos appareils, permet toujours de rétablir votre clé ; choisissez ensuite un nouveau mot de passe de sauvegarde.
notice-contact-taken =
    { $kind ->
        [email] Quelqu'un a essayé d'ajouter cette adresse e-mail à un autre compte { -brand }. Elle n'a pas été ajoutée, et votre compte n'a pas changé.
       *[phone] Quelqu'un a essayé d'ajouter ce numéro à un autre compte { -brand }. Il n'a pas été ajouté, et votre compte n'a pas changé.
    }
notice-login-changed =
    { $kind ->
        [email] L'adresse e-mail { $address } sert désormais à se connecter à votre compte { -brand }.
       *[phone] Le numéro de téléphone { $address } sert désormais à se connecter à votre compte { -brand }.
    }

## Un identifiant de connexion a changé : envoyé aux adresses d'avant, avec le lien « ce n'était pas moi »

changed-email =
    Bonjour,

    { $notice }

    Si c'était vous, vous n'avez rien à faire.

    Si ce n'était pas vous, ouvrez ce lien dans les 7 jours. Il déconnecte tous les appareils de votre compte et rétablit votre identifiant précédent, pour que vous puissiez vous reconnecter et personne d'autre :
    { $link }

    Connectez-vous ensuite, vérifiez les clés et les appareils de votre compte, et prévenez votre cabinet ou votre clinique.
    .subject = { -brand } : l'identifiant de connexion de votre compte a changé
changed-sms = { -brand } : { $notice } Ce n'était pas vous ? Ouvrez { $link } pour déconnecter tous les appareils et récupérer votre accès.

## Le compte a été supprimé par son titulaire

deleted-email =
    Bonjour,

    Votre compte { -brand } a été supprimé, avec ses clés, ses sauvegardes et ses notes, à la demande d'un appareil qui y était connecté. Le serveur n'en garde rien, et cette adresse ne permet plus de se connecter à { -brand }.

    Si vous ne l'avez pas demandé, prévenez votre cabinet ou votre clinique : quelqu'un a eu accès à votre appareil ou à votre session.
    .subject = { -brand } : votre compte est supprimé
deleted-sms = { -brand } : votre compte a été supprimé, avec ses clés, ses sauvegardes et ses notes. Ce numéro ne permet plus de se connecter. Pas vous ? Prévenez votre clinique.

## La page d'un lien de connexion

landing =
    Ouvrir cette page ne vous connecte pas. Le lien et le code ne fonctionnent que dans l'application { -brand }, sur l'appareil où vous les avez demandés, une seule fois et pendant quelques minutes.
    .title = Se connecter à { -brand }
landing-open = Ouvrir { -brand }
landing-type-code = Ou saisissez ce code dans { -brand } :
landing-asked-title = Demandé sur un autre appareil ?
landing-asked = Notre serveur a reçu cette demande de connexion le { $at }, depuis l'adresse réseau { $ip }. L'appareil qui l'a faite se nomme « { $device } » : ce nom est ce qu'il affirme de lui-même, n'importe qui peut le saisir.
landing-asked-number = Si vous l'avez demandé sur un autre appareil, celui-ci affiche un nombre. Saisissez-le ici pour approuver la connexion, et cet appareil-là sera connecté. Rien ne se connecte sur cet appareil-ci.
landing-number-label = Le nombre affiché par votre autre appareil
landing-approve = Approuver
landing-not-asked = Si vous ne l'avez pas demandé, ou si aucun de vos appareils n'affiche de nombre, ne faites rien : la demande prend fin d'elle-même. Personne de { -brand } ni de votre clinique ne vous demandera jamais ce nombre ni ce code.
landing-ended = Il a déjà été utilisé, remplacé par un code plus récent, ou il a expiré. Ouvrez { -brand } et demandez un nouveau code.
    .title = Ce lien ne fonctionne plus
landing-malformed = Vérifiez que le lien a été copié en entier, ou ouvrez { -brand } et demandez un nouveau code.
    .title = Ce n'est pas un lien { -brand }
approval-refused = Ce n'est pas le nombre affiché par l'appareil qui a fait la demande : rien n'a été approuvé.
    .title = Non approuvé
approval-refused-hint = Si vous n'avez pas lancé cette connexion vous-même, quelqu'un d'autre l'a peut-être fait : ne faites rien, elle prendra fin d'elle-même. Si c'était vous, rouvrez le lien et saisissez le nombre affiché par votre autre appareil.
approval-done = L'appareil qui a fait la demande est en train de se connecter. Vous pouvez fermer cette page.
    .title = Approuvé
approval-done-hint = Rien ne s'est connecté sur cet appareil-ci.

## La page d'un lien « ce n'était pas moi »

not-me = Quelqu'un a modifié la façon dont on se connecte à votre compte { -brand }. Si ce n'était pas vous, appuyez sur le bouton : tous les appareils connectés à votre compte sont aussitôt déconnectés, et votre identifiant précédent est rétabli, pour que vous puissiez vous reconnecter et pas cette personne.
    .title = Cette modification ne vient pas de vous ?
not-me-button = Ce n'était pas moi : sécuriser mon compte
not-me-hint = Si vous avez fait cette modification vous-même, fermez cette page : il ne se passera rien.
not-me-done = Tous les appareils qui étaient connectés à votre compte sont déconnectés.
    .title = Votre compte est sécurisé
not-me-restored =
    { $kind ->
        [email] Votre adresse e-mail de connexion précédente est de nouveau celle du compte : connectez-vous avec elle dans { -brand }.
       *[phone] Votre numéro de téléphone de connexion précédent est de nouveau celui du compte : connectez-vous avec lui dans { -brand }.
    }
not-me-not-restored =
    { $kind ->
        [email] L'adresse e-mail de connexion n'a pas pu être rétablie (elle a de nouveau changé, ou un autre compte l'utilise désormais) : demandez à votre clinique de vous aider à récupérer votre compte.
       *[phone] Le numéro de téléphone de connexion n'a pas pu être rétabli (il a de nouveau changé, ou un autre compte l'utilise désormais) : demandez à votre clinique de vous aider à récupérer votre compte.
    }
not-me-done-hint = Vérifiez ensuite les appareils et les clés de votre compte dans { -brand }, et racontez à votre clinique ce qui s'est passé.
not-me-ended = Il a déjà été utilisé, ou il date de plus de 7 jours. Si quelqu'un d'autre a modifié votre identifiant { -brand }, prévenez votre clinique : elle peut vous aider à récupérer votre compte.
    .title = Ce lien ne fonctionne plus
not-me-malformed = Vérifiez que le lien a été copié en entier depuis le message.
    .title = Ce n'est pas un lien { -brand } valide

## La page d'une invitation

invitation = { $name } vous invite à lui confier vos notes de santé par { -brand }. Inscrivez-vous dans l'application avec cette invitation : { $name } vous suivra aussitôt.
    .title = Une invitation à rejoindre { -brand }
invitation-hint = Elle est valable jusqu'au { $until }, pour les personnes à qui { $name } l'a donnée. Sans le lien de l'application, inscrivez-vous dans { -brand } et saisissez cet identifiant { -brand } comme soignant : { $id } ({ $name } devra alors vous accepter).
invitation-ended = Elle a expiré, a déjà été utilisée ou a été retirée. Demandez-en une nouvelle à votre soignant, ou inscrivez-vous dans { -brand } et saisissez son identifiant { -brand }.
    .title = Cette invitation ne fonctionne plus
invitation-malformed = Vérifiez que le lien a été copié en entier, ou demandez une nouvelle invitation à votre soignant.
    .title = Ce n'est pas une invitation { -brand } valide
page-unavailable = Réessayez dans un instant.
    .title = { -brand } ne peut pas répondre pour le moment
