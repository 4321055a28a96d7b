(BvariableJ £ªBoë`BIÇ¤B€–›BÔ’BPwFBÚwBzOµBÜ­¥BTˆœBÏ,QB|7ŸB°{…B¬} BßC‚B§°ÀBÃš¢Bj¾BhÛBØ3Ba¨€Br|yB`‘‚B8óÚB+N‹Bù™BŸÓKB×$’Bž…Bµ©B)QŒBw
PB—‰ÊB€,kBD¾eBiŠB2^ŸB²õ‰BxÔBåšB