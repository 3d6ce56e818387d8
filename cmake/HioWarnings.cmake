# The one place for hio's warning flags. -Werror only when HIO_WERROR is on
# (dev and CI presets), never for people who consume the library.
function(hio_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast)
  if(HIO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
