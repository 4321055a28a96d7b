BmeanJØÄ?Óæq?Ãü¿Qw%¿!ük@Õ³
¾O?X?