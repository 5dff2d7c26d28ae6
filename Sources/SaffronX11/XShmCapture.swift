import CX11
import Glibc
import SaffronDesktop

/// Reads rectangles of the root window into xRGB pixels: through one MIT-SHM segment the size
/// of the screen (no copy through the socket), or with XGetImage when MIT-SHM is missing.
final class XShmCapture {
    private let connection: XDisplayConnection
    private var image: UnsafeMutablePointer<XImage>?
    private var segment: UnsafeMutablePointer<XShmSegmentInfo>?
    private(set) var size: Size
    /// Where XGetImage's rows are gathered when MIT-SHM is missing.
    private var fallback = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)

    init(connection: XDisplayConnection, size: Size) {
        self.connection = connection
        self.size = size
        if connection.hasShm { attach(size: size) }
    }

    deinit {
        release()
        fallback.deallocate()
    }

    var usesShm: Bool { image != nil }

    func resize(to newSize: Size) {
        release()
        size = newSize
        if connection.hasShm { attach(size: newSize) }
    }

    private func attach(size: Size) {
        let d = connection.display
        let info = UnsafeMutablePointer<XShmSegmentInfo>.allocate(capacity: 1)
        info.initialize(to: XShmSegmentInfo())
        guard let img = XShmCreateImage(d, connection.visual, UInt32(connection.depth), ZPixmap, nil, info,
                                        UInt32(size.width), UInt32(size.height)) else {
            info.deallocate()
            return
        }
        let bytes = Int(img.pointee.bytes_per_line) * Int(img.pointee.height)
        let id = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0o600)
        guard id >= 0, let addr = shmat(id, nil, 0), addr != cx11_shmat_fail() else {
            if id >= 0 { _ = shmctl(id, IPC_RMID, nil) }
            _ = img.pointee.f.destroy_image(img)
            info.deallocate()
            return
        }
        info.pointee.shmid = id
        info.pointee.shmaddr = addr.assumingMemoryBound(to: CChar.self)
        info.pointee.readOnly = 0
        img.pointee.data = info.pointee.shmaddr
        let ok = XShmAttach(d, info) != 0
        _ = XSync(d, 0)
        // Marked for removal now: it goes away with the last detach, even if we crash.
        _ = shmctl(id, IPC_RMID, nil)
        guard ok, img.pointee.bits_per_pixel == 32 else {
            _ = shmdt(addr)
            img.pointee.data = nil
            _ = img.pointee.f.destroy_image(img)
            info.deallocate()
            return
        }
        image = img
        segment = info
    }

    /// Gives back the segment and the image. Xlib is told only while the connection is usable;
    /// the memory is freed either way. Called on the X thread when the desktop ends.
    func release() {
        guard let img = image, let info = segment else { return }
        if connection.isUsable {
            _ = XShmDetach(connection.display, info)
            _ = XSync(connection.display, 0)
        }
        _ = shmdt(info.pointee.shmaddr)
        img.pointee.data = nil
        _ = img.pointee.f.destroy_image(img)
        info.deallocate()
        image = nil
        segment = nil
    }

    /// Reads `rect` (inside the screen) as width × height xRGB pixels (4th byte undefined), rows
    /// packed. The view points into the shared segment (or this object's buffer without
    /// MIT-SHM) and is valid until the next read. Nil on failure.
    func read(_ rect: Rect) -> PixelRows? {
        guard !rect.isEmpty else { return nil }
        let d = connection.display
        let pixels: UnsafeMutablePointer<UInt32>
        if let img = image {
            // The server writes the rectangle packed (stride = width × 4) at the segment's start.
            let saved = (img.pointee.width, img.pointee.height, img.pointee.bytes_per_line)
            img.pointee.width = Int32(rect.width)
            img.pointee.height = Int32(rect.height)
            img.pointee.bytes_per_line = Int32(rect.width * 4)
            defer { (img.pointee.width, img.pointee.height, img.pointee.bytes_per_line) = saved }
            guard XShmGetImage(d, connection.root, img, Int32(rect.x), Int32(rect.y), cx11_all_planes()) != 0 else { return nil }
            pixels = UnsafeMutableRawPointer(img.pointee.data!).assumingMemoryBound(to: UInt32.self)
        } else {
            guard let img = XGetImage(d, connection.root, Int32(rect.x), Int32(rect.y), UInt32(rect.width), UInt32(rect.height),
                                      cx11_all_planes(), ZPixmap) else { return nil }
            defer { _ = img.pointee.f.destroy_image(img) }
            guard img.pointee.bits_per_pixel == 32 else { return nil }
            if fallback.count < rect.area {
                fallback.deallocate()
                fallback = .allocate(capacity: rect.area)
            }
            let stride = Int(img.pointee.bytes_per_line)
            let base = UnsafeRawPointer(img.pointee.data!)
            for row in 0..<rect.height {
                let p = (base + row * stride).assumingMemoryBound(to: UInt32.self)
                (fallback.baseAddress! + row * rect.width).update(from: p, count: rect.width)
            }
            pixels = fallback.baseAddress!
        }
        // The 4th byte stays as the server left it: comparisons ignore it and PixelEdit.copy
        // clears it on the way to the framebuffer (a separate pass over every read cost a tenth
        // of the X thread's time while a window was dragged).
        return PixelRows(pixels, stride: rect.width)
    }
}
