# cmake -DDOC=page.md -DOUT_DIR=dir -P doc_blocks.cmake: writes the page's
# `<!-- consumer: NAME -->` blocks to dir/NAME (cmake/HioDocBlocks.cmake).
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../../../cmake/HioDocBlocks.cmake)
hio_doc_blocks(${DOC} ${OUT_DIR})
