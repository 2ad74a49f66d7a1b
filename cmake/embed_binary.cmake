# cmake -DINPUT=FILE -DOUTPUT=HEADER -DNAME=IDENT -P embed_binary.cmake
# Writes HEADER declaring `static const unsigned char IDENT[]` with FILE's
# bytes and `static const size_t IDENT_SIZE`-style IDENTSize. Used to embed
# the compiled XDP program (dns/server/xdp_filter.bpf.c) in steerdns.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by cmake/embed_binary.cmake. Do not edit.\n"
  "#include <cstddef>\n"
  "alignas(8) static const unsigned char ${NAME}[] = {${bytes}};\n"
  "static const size_t ${NAME}Size = ${size};\n")
